package app.todo.web;

/**
 * The health probes a balancer or an orchestrator polls: the actuator's endpoints under
 * {@code /actuator/} (on the public port, only health is served there), and
 * {@code /livez} and {@code /readyz}, which stay on the public port when the actuator has
 * its own. They are never rate limited and logged at debug level only. The actuator's
 * root ({@code /actuator}, the list of its endpoints) is no probe: nothing polls it, so
 * it is limited like any other path.
 */
public final class ProbePaths {

	private ProbePaths() {
	}

	/** Whether a path within the application is a probe's. */
	public static boolean isProbe(String path) {
		return path.startsWith("/actuator/") || path.equals("/livez") || path.equals("/readyz");
	}

}
