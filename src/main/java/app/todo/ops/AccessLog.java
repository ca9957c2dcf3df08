package app.todo.ops;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.slf4j.MDC;

import app.todo.web.ProbePaths;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.stereotype.Component;

/**
 * One line per request, written when Spring's server observation stops: after the problem
 * details handler has chosen the status and the body has been sent (or the client went
 * away). It names the route template when one matched and the path otherwise, never the
 * query string (it may carry secrets) nor any header (the token is one). Probes
 * ({@link ProbePaths}) log at debug level only.
 */
@Component
class AccessLog implements ObservationHandler<ServerRequestObservationContext> {

	/** Its own logger, so that operators can turn it up or down alone. */
	private static final Log logger = LogFactory.getLog("app.todo.access");

	@Override
	public void onStart(ServerRequestObservationContext context) {
		context.put(Start.class, new Start(System.nanoTime()));
	}

	@Override
	public void onStop(ServerRequestObservationContext context) {
		ServerHttpRequest request = context.getCarrier();
		String path = request.getPath().value();
		boolean probe = ProbePaths.isProbe(path);
		if (!(probe ? logger.isDebugEnabled() : logger.isInfoEnabled())) {
			return;
		}
		Start start = context.get(Start.class);
		long millis = (start != null) ? (System.nanoTime() - start.nanos()) / 1_000_000 : -1;
		HttpStatusCode status = (context.getResponse() != null) ? context.getResponse().getStatusCode() : null;
		String requestId = RequestIds.requestId(context);
		String traceId = RequestIds.traceId(context);
		String pattern = context.getPathPattern();
		String line = request.getMethod().name() + " " + ((pattern != null) ? pattern : path) + " "
				+ (context.isConnectionAborted() ? "aborted" : (status != null) ? status.value() : "-") + " " + millis
				+ " ms request_id=" + requestId + ((traceId != null) ? " trace_id=" + traceId : "");
		// The observation stops outside the request's Reactor context: put the id back
		// for this line
		String previous = MDC.get(RequestIds.KEY);
		MDC.put(RequestIds.KEY, requestId);
		try {
			if (probe) {
				logger.debug(line);
			}
			else {
				logger.info(line);
			}
		}
		finally {
			if (previous != null) {
				MDC.put(RequestIds.KEY, previous);
			}
			else {
				MDC.remove(RequestIds.KEY);
			}
		}
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof ServerRequestObservationContext;
	}

	private record Start(long nanos) {
	}

}
