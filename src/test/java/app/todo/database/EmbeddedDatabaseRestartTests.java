package app.todo.database;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import app.todo.ApplicationProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The run command's promise: an account and its task written, then the process killed
 * with SIGKILL and started again, are still there, and so is the key that signed the
 * account's token. The application runs as a separate JVM, as {@code java -jar} would run
 * it, with no setting but its port and data folder, on an embedded PostgreSQL whose data
 * folder outlives both runs.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class EmbeddedDatabaseRestartTests {

	private static final Duration STARTUP = Duration.ofSeconds(240);

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

	/** Variables that would change the tokens or point the application elsewhere. */
	private static final List<String> CLEARED_VARIABLES = List.of("DATABASE_URL", "DATABASE_POOL_SIZE",
			"BETTER_AUTH_SECRET", "BETTER_AUTH_URL", "JWT_ISSUER", "JWT_AUDIENCE", "JWT_JWKS_URI",
			"CORS_ALLOWED_ORIGINS", "ACCOUNTS_ENABLED", "ACCOUNTS_ISSUER", "ACCOUNTS_AUDIENCE", "ACCOUNTS_SIGNING_KEY",
			"ACCOUNTS_TOKEN_LIFETIME");

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final String PASSWORD = "correct horse battery staple";

	@TempDir
	Path temp;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final List<Process> applications = new ArrayList<>();

	private final List<Long> postmasters = new ArrayList<>();

	@AfterEach
	void stopEverythingThisTestStarted() throws Exception {
		for (Process application : this.applications) {
			if (application.isAlive()) {
				application.destroyForcibly();
				application.waitFor(30, TimeUnit.SECONDS);
			}
		}
		// A failed test may leave a postmaster behind; never let it outlive the test
		postmasterPid(this.temp.resolve("postgres")).ifPresent(this.postmasters::add);
		for (long pid : this.postmasters) {
			ProcessHandle.of(pid).filter(EmbeddedDatabaseRestartTests::isPostgres).ifPresent((postmaster) -> {
				postmaster.destroy();
				try {
					postmaster.onExit().get(30, TimeUnit.SECONDS);
				}
				catch (Exception ex) {
					postmaster.destroyForcibly();
				}
			});
		}
	}

	@Test
	void taskWrittenBeforeSigkillIsStillThereAfterRestart() throws Exception {
		Path data = this.temp.resolve("postgres");

		Application first = start("first", data);
		JsonNode alice = signUp(first, "alice@example.com");
		String aliceId = alice.get("user").get("id").asString();
		String tokenBeforeRestart = alice.get("token").asString();
		long id = createTask(first, tokenBeforeRestart, "Survive SIGKILL");
		long orphan = postmasterPid(data).orElseThrow(() -> new AssertionError("no postmaster.pid in " + data));
		this.postmasters.add(orphan);

		first.process().destroyForcibly();
		assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).as("the first JVM died of SIGKILL").isTrue();
		assertThat(isRunning(orphan)).as("the killed JVM left its postmaster (pid %d) running", orphan).isTrue();

		Application second = start("second", data);
		assertThat(isRunning(orphan)).as("the second run stopped the orphaned postmaster (pid %d)", orphan).isFalse();
		long postmaster = postmasterPid(data).orElseThrow(() -> new AssertionError("no postmaster.pid in " + data));
		this.postmasters.add(postmaster);
		assertThat(postmaster).isNotEqualTo(orphan);

		// The token from before the restart still opens the API: the signing key was kept
		for (String token : List.of(tokenBeforeRestart, signIn(second, "ALICE@example.com"))) {
			HttpResponse<String> task = send(second,
					HttpRequest.newBuilder(second.uri("/api/tasks/" + id))
						.header("Authorization", "Bearer " + token)
						.GET());
			assertThat(task.statusCode()).as(describe(second, task)).isEqualTo(200);
			JsonNode body = json.readTree(task.body());
			assertThat(body.get("id").asLong()).isEqualTo(id);
			assertThat(body.get("title").asString()).isEqualTo("Survive SIGKILL");
			assertThat(body.get("user_id").asString()).isEqualTo(aliceId);
		}

		// Another user still cannot see it: the restart kept the owner too
		HttpResponse<String> foreign = send(second,
				HttpRequest.newBuilder(second.uri("/api/tasks/" + id))
					.header("Authorization", "Bearer " + signUp(second, "bob@example.com").get("token").asString())
					.GET());
		assertThat(foreign.statusCode()).as(describe(second, foreign)).isEqualTo(404);

		second.process().destroy();
		assertThat(second.process().waitFor(60, TimeUnit.SECONDS)).as("the second JVM stopped on SIGTERM within 60 s")
			.isTrue();
		// pg_ctl stop -w returns once the server is down; allow only for the process to
		// be reaped
		assertThat(awaitStopped(postmaster, Duration.ofSeconds(5)))
			.as("the postmaster (pid %d) of %s stopped with the JVM that started it%n%s", postmaster, data,
					logTail(second))
			.isTrue();
		assertThat(data.resolve("postmaster.pid")).as("a clean shutdown removes postmaster.pid").doesNotExist();
	}

	private Application start(String name, Path data) throws IOException, InterruptedException {
		int port = ApplicationProcess.freePort();
		Path log = this.temp.resolve(name + ".log");
		List<String> command = new ArrayList<>(List.of(ApplicationProcess.javaExecutable(), "-Xmx384m",
				"-XX:TieredStopAtLevel=1", "-cp", ApplicationProcess.classPath(), "app.todo.TodoApplication"));
		ProcessBuilder builder = new ProcessBuilder(command).directory(this.temp.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		Map<String, String> environment = builder.environment();
		CLEARED_VARIABLES.forEach(environment::remove);
		environment.keySet().removeIf((variable) -> variable.startsWith("TODO_") || variable.startsWith("SPRING_"));
		environment.put("PORT", Integer.toString(port));
		environment.put("EMBEDDED_DATABASE_DIR", data.toString());
		Process process = builder.start();
		this.applications.add(process);
		Application application = new Application(name, process, port, log);
		awaitReady(application);
		return application;
	}

	private void awaitReady(Application application) throws InterruptedException {
		long deadline = System.nanoTime() + STARTUP.toNanos();
		String last = "no answer";
		while (System.nanoTime() < deadline) {
			assertThat(application.process().isAlive())
				.as("the %s JVM exited with %s before it was ready%n%s", application.name(),
						application.process().isAlive() ? "-" : application.process().exitValue(), logTail(application))
				.isTrue();
			try {
				HttpResponse<String> readiness = this.http
					.send(HttpRequest.newBuilder(application.uri("/actuator/health/readiness"))
						.timeout(Duration.ofSeconds(5))
						.build(), BodyHandlers.ofString());
				if (readiness.statusCode() == 200) {
					return;
				}
				last = readiness.statusCode() + " " + readiness.body();
			}
			catch (IOException ex) {
				last = ex.toString();
			}
			Thread.sleep(500);
		}
		throw new AssertionError("The " + application.name() + " JVM was not ready within " + STARTUP + " (last: "
				+ last + ")\n" + logTail(application));
	}

	private JsonNode signUp(Application application, String email) throws IOException, InterruptedException {
		HttpResponse<String> response = send(application, HttpRequest.newBuilder(application.uri("/api/auth/sign-up"))
			.header("Content-Type", "application/json")
			.POST(BodyPublishers.ofString(
					"{\"email\": \"" + email + "\", \"password\": \"" + PASSWORD + "\", \"name\": \"Someone\"}")));
		assertThat(response.statusCode()).as(describe(application, response)).isEqualTo(201);
		return json.readTree(response.body());
	}

	private String signIn(Application application, String email) throws IOException, InterruptedException {
		HttpResponse<String> response = send(application, HttpRequest.newBuilder(application.uri("/api/auth/sign-in"))
			.header("Content-Type", "application/json")
			.POST(BodyPublishers.ofString("{\"email\": \"" + email + "\", \"password\": \"" + PASSWORD + "\"}")));
		assertThat(response.statusCode()).as(describe(application, response)).isEqualTo(200);
		return json.readTree(response.body()).get("token").asString();
	}

	private long createTask(Application application, String token, String title)
			throws IOException, InterruptedException {
		HttpResponse<String> response = send(application,
				HttpRequest.newBuilder(application.uri("/api/tasks"))
					.header("Authorization", "Bearer " + token)
					.header("Content-Type", "application/json")
					.POST(BodyPublishers.ofString("{\"title\": \"" + title + "\"}")));
		assertThat(response.statusCode()).as(describe(application, response)).isEqualTo(201);
		return json.readTree(response.body()).get("id").asLong();
	}

	private HttpResponse<String> send(Application application, HttpRequest.Builder request)
			throws IOException, InterruptedException {
		return this.http.send(request.timeout(REQUEST_TIMEOUT).build(), BodyHandlers.ofString(StandardCharsets.UTF_8));
	}

	private static String describe(Application application, HttpResponse<String> response) {
		return response.request().method() + " " + response.uri() + " answered " + response.statusCode() + " "
				+ response.body() + "\n" + logTail(application);
	}

	private static String logTail(Application application) {
		try {
			List<String> lines = Files.readAllLines(application.log(), StandardCharsets.UTF_8);
			return "--- last lines of the " + application.name() + " JVM's output ---\n"
					+ String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
		}
		catch (IOException ex) {
			return "(no output: " + ex + ")";
		}
	}

	/** The first line of PostgreSQL's lock file, while it exists. */
	private static OptionalLong postmasterPid(Path data) throws IOException {
		Path pidFile = data.resolve("postmaster.pid");
		if (!Files.isRegularFile(pidFile)) {
			return OptionalLong.empty();
		}
		List<String> lines = Files.readAllLines(pidFile);
		return (!lines.isEmpty() && lines.get(0).strip().matches("\\d+"))
				? OptionalLong.of(Long.parseLong(lines.get(0).strip())) : OptionalLong.empty();
	}

	private static boolean awaitStopped(long pid, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (isRunning(pid)) {
			if (System.nanoTime() > deadline) {
				return false;
			}
			Thread.sleep(100);
		}
		return true;
	}

	/** Alive and not a zombie waiting to be reaped by an init that takes its time. */
	private static boolean isRunning(long pid) {
		if (ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isEmpty()) {
			return false;
		}
		if (!Files.isDirectory(Paths.get("/proc"))) {
			// No procfs (macOS): trust ProcessHandle
			return true;
		}
		try {
			String stat = Files.readString(Paths.get("/proc", Long.toString(pid), "stat"));
			return !stat.substring(stat.lastIndexOf(')') + 1).strip().startsWith("Z");
		}
		catch (IOException ex) {
			// Gone between the two looks
			return false;
		}
	}

	private static boolean isPostgres(ProcessHandle process) {
		return process.info().command().map((command) -> command.contains("postgres")).orElse(false);
	}

	private record Application(String name, Process process, int port, Path log) {

		URI uri(String path) {
			return URI.create("http://127.0.0.1:" + this.port + path);
		}

	}

}
