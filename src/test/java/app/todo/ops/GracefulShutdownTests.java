package app.todo.ops;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
 * SIGTERM to a real JVM running the application with JSON logs, while a request is in
 * flight: readiness goes down first, the request still completes with its {@code 201},
 * new connections are refused, and the process exits with 143 (the JVM's code for a
 * SIGTERM whose shutdown hooks ran to completion) well within the shutdown timeout. The
 * request is made slow by a trigger that this test adds to the database, so the
 * application needs no route for it.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class GracefulShutdownTests {

	private static final Duration STARTUP = Duration.ofSeconds(240);

	private static final List<String> CLEARED_VARIABLES = List.of("DATABASE_URL", "DATABASE_POOL_SIZE",
			"BETTER_AUTH_SECRET", "BETTER_AUTH_URL", "JWT_ISSUER", "JWT_AUDIENCE", "JWT_JWKS_URI",
			"CORS_ALLOWED_ORIGINS", "MANAGEMENT_SERVER_PORT", "LOG_FORMAT", "SHUTDOWN_TIMEOUT");

	private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

	private static final JsonMapper json = JsonMapper.builder().build();

	@TempDir
	Path temp;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private Process application;

	@AfterEach
	void stopApplication() throws Exception {
		if (this.application != null && this.application.isAlive()) {
			this.application.destroyForcibly();
			this.application.waitFor(30, TimeUnit.SECONDS);
		}
	}

	@Test
	void sigtermWhileRequestInFlightThenItCompletesNewOnesAreRefusedAndTheProcessExits() throws Exception {
		int port = ApplicationProcess.freePort();
		Path log = this.temp.resolve("application.log");
		Path data = this.temp.resolve("postgres");
		ProcessBuilder builder = new ProcessBuilder(ApplicationProcess.javaExecutable(), "-Xmx384m",
				"-XX:TieredStopAtLevel=1", "-cp", ApplicationProcess.classPath(), "app.todo.TodoApplication")
			.directory(this.temp.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		Map<String, String> environment = builder.environment();
		CLEARED_VARIABLES.forEach(environment::remove);
		environment.keySet()
			.removeIf((variable) -> variable.startsWith("TODO_") || variable.startsWith("SPRING_")
					|| variable.startsWith("MANAGEMENT_") || variable.startsWith("LOGGING_"));
		environment.put("PORT", Integer.toString(port));
		environment.put("EMBEDDED_DATABASE_DIR", data.toString());
		environment.put("LOG_FORMAT", "ecs");
		environment.put("SHUTDOWN_TIMEOUT", "30s");
		this.application = builder.start();
		awaitReady(port, log);

		// The built-in accounts are the token source of a deployment with no other
		// setting
		HttpResponse<String> tokenResponse = send(HttpRequest.newBuilder(uri(port, "/api/auth/sign-up"))
			.header("Content-Type", "application/json")
			.POST(BodyPublishers.ofString(
					"{\"email\": \"alice@example.com\", \"password\": \"correct horse battery\", \"name\": \"Alice\"}")));
		assertThat(tokenResponse.statusCode()).isEqualTo(201);
		String token = json.readTree(tokenResponse.body()).get("token").asString();

		try (Connection database = DriverManager.getConnection(
				"jdbc:postgresql://localhost:" + postmasterPort(data) + "/postgres", "postgres", "postgres")) {
			try (Statement statement = database.createStatement()) {
				statement.execute("""
						CREATE FUNCTION slow_insert() RETURNS trigger LANGUAGE plpgsql AS $$
						BEGIN
							IF NEW.title LIKE 'slow%' THEN PERFORM pg_sleep(3); END IF;
							RETURN NEW;
						END $$""");
				statement.execute(
						"CREATE TRIGGER slow_insert BEFORE INSERT ON tasks FOR EACH ROW EXECUTE FUNCTION slow_insert()");
			}

			CompletableFuture<HttpResponse<String>> slow = this.http
				.sendAsync(HttpRequest.newBuilder(uri(port, "/api/tasks"))
					.timeout(Duration.ofSeconds(60))
					.header("Authorization", "Bearer " + token)
					.header("Content-Type", "application/json")
					.header("traceparent", "00-" + TRACE_ID + "-b7ad6b7169203331-01")
					.POST(BodyPublishers.ofString("{\"title\": \"slow but sure\"}"))
					.build(), BodyHandlers.ofString());
			awaitSleepingInsert(database);

			this.application.destroy();

			// New connections are refused once the server has stopped listening
			awaitRefused(port);
			HttpResponse<String> inFlight = slow.get(60, TimeUnit.SECONDS);
			assertThat(inFlight.statusCode()).as(inFlight.body()).isEqualTo(201);
			assertThat(inFlight.headers().firstValue(RequestIds.TRACE_HEADER)).hasValue(TRACE_ID);
		}

		assertThat(this.application.waitFor(60, TimeUnit.SECONDS)).as("exited within 60 s").isTrue();
		assertThat(this.application.exitValue()).as(tail(log)).isEqualTo(143);

		List<JsonNode> lines = new ArrayList<>();
		for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
			if (!line.isBlank()) {
				assertThat(line).as("every line is one JSON object").startsWith("{");
				lines.add(json.readTree(line));
			}
		}
		List<String> messages = lines.stream().map((line) -> line.path("message").asString()).toList();
		int refusing = messages.indexOf("ReadinessState: REFUSING_TRAFFIC");
		int graceful = indexOfStart(messages, "Commencing graceful shutdown");
		assertThat(refusing).as("readiness went down%n%s", tail(log)).isNotNegative();
		assertThat(graceful).as("graceful shutdown began%n%s", tail(log)).isGreaterThan(refusing);
		JsonNode access = lines.stream()
			.filter((line) -> line.path("message").asString().startsWith("POST /api/tasks 201 "))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no access line for the slow request\n" + tail(log)));
		assertThat(access.toString()).contains(TRACE_ID).contains("request_id");
		assertThat(indexOfStart(messages, "Graceful shutdown complete")).isGreaterThan(graceful);
	}

	private static int indexOfStart(List<String> messages, String prefix) {
		for (int i = 0; i < messages.size(); i++) {
			if (messages.get(i).startsWith(prefix)) {
				return i;
			}
		}
		return -1;
	}

	private void awaitReady(int port, Path log) throws InterruptedException {
		long deadline = System.nanoTime() + STARTUP.toNanos();
		while (System.nanoTime() < deadline) {
			assertThat(this.application.isAlive()).as("the application exited before it was ready%n%s", tail(log))
				.isTrue();
			try {
				if (send(HttpRequest.newBuilder(uri(port, "/actuator/health/readiness"))).statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			Thread.sleep(500);
		}
		throw new AssertionError("not ready within " + STARTUP + "\n" + tail(log));
	}

	private static void awaitSleepingInsert(Connection database) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (System.nanoTime() < deadline) {
			try (Statement statement = database.createStatement();
					ResultSet rows = statement
						.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'")) {
				rows.next();
				if (rows.getInt(1) > 0) {
					return;
				}
			}
			Thread.sleep(50);
		}
		throw new AssertionError("the slow insert never started");
	}

	private void awaitRefused(int port) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (System.nanoTime() < deadline) {
			// A new client each time, so that each attempt opens a new connection
			HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
			try {
				HttpResponse<String> response = client
					.send(HttpRequest.newBuilder(uri(port, "/actuator/health/liveness"))
						.timeout(Duration.ofSeconds(15))
						.build(), BodyHandlers.ofString());
				// Before the listener closes, an answer is still a clean one
				assertThat(response.statusCode()).isIn(200, 503);
			}
			catch (ConnectException ex) {
				return;
			}
			catch (IOException ex) {
				// accepted, then closed: the listener is going away
			}
			Thread.sleep(50);
		}
		throw new AssertionError("new connections were still accepted 30 s after SIGTERM");
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
		return this.http.send(request.timeout(Duration.ofSeconds(15)).build(), BodyHandlers.ofString());
	}

	private static URI uri(int port, String path) {
		return URI.create("http://127.0.0.1:" + port + path);
	}

	/** PostgreSQL's lock file names the port on its fourth line. */
	private static int postmasterPort(Path data) throws IOException {
		return Integer.parseInt(Files.readAllLines(data.resolve("postmaster.pid")).get(3).strip());
	}

	private static String tail(Path log) {
		try {
			List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
		}
		catch (IOException ex) {
			return "(no output: " + ex + ")";
		}
	}

}
