package app.todo.database;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.util.FileSystemUtils;

import app.todo.TestIdentityProvider;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL stops and comes back while clients keep writing. Every answer in between is
 * a {@code 201} or a {@code 503} problem with {@code Retry-After} (never a {@code 500},
 * never a hang), readiness goes down and liveness stays up, the API serves again without
 * a restart, and the database holds exactly the writes that were acknowledged. Its own
 * PostgreSQL and context, since it takes the database away.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "todo.auth.secret=" + TestIdentityProvider.SECRET, "todo.database.embedded-directory=",
				// One user writing as fast as it can: far over the default rate limit by
				// design
				"todo.rate-limit.enabled=false" })
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DatabaseOutageTests {

	private static final int WRITERS = 4;

	private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);

	private static Path data;

	private static int databasePort;

	private static EmbeddedPostgres postgres;

	@LocalServerPort
	private int port;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) throws IOException {
		data = Files.createTempDirectory("outage-postgres");
		databasePort = freePort();
		postgres = startPostgres();
		registry.add("todo.database.url", () -> "postgresql://postgres@localhost:" + databasePort + "/postgres");
	}

	/**
	 * The same data folder and port each time, as a restarted server or a failover keeps
	 * them.
	 */
	private static EmbeddedPostgres startPostgres() throws IOException {
		return EmbeddedPostgres.builder()
			.setPort(databasePort)
			.setDataDirectory(data)
			.setCleanDataDirectory(false)
			.setServerConfig("synchronous_commit", "on")
			.setPGStartupWait(Duration.ofSeconds(60))
			.start();
	}

	@AfterAll
	static void stopPostgres() throws IOException {
		if (postgres != null) {
			postgres.close();
		}
		FileSystemUtils.deleteRecursively(data);
	}

	@Test
	void writesWhileDatabaseRestartsThenOnly503sMeanwhileAndExactlyTheAcknowledgedWritesKept() throws Exception {
		String user = "outage-" + UUID.randomUUID();
		String token = TestIdentityProvider.get().hs256(user);
		Map<String, Integer> answers = new ConcurrentHashMap<>();
		List<String> badAnswers = new ArrayList<>();
		AtomicLong slowest503 = new AtomicLong();
		AtomicBoolean writing = new AtomicBoolean(true);
		AtomicLong acknowledged = new AtomicLong();

		// One write first: the first concurrent JSON reads race to fill Jackson's caches,
		// which
		// takes a lock that BlockHound reports on an event-loop thread (no database
		// involved)
		HttpResponse<String> first = post(token, "first");
		assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
		answers.put("first", first.statusCode());

		ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
		List<Future<?>> running = new ArrayList<>();
		for (int w = 0; w < WRITERS; w++) {
			int writer = w;
			running.add(writers.submit(() -> {
				for (int n = 0; writing.get(); n++) {
					String title = "w" + writer + "-" + n;
					long start = System.nanoTime();
					HttpResponse<String> response = post(token, title);
					long millis = (System.nanoTime() - start) / 1_000_000;
					answers.put(title, response.statusCode());
					if (response.statusCode() == 201) {
						acknowledged.incrementAndGet();
					}
					else if (response.statusCode() == 503 && response.headers().firstValue("Retry-After").isPresent()
							&& response.headers()
								.firstValue("Content-Type")
								.orElse("")
								.startsWith("application/problem+json")) {
						slowest503.accumulateAndGet(millis, Math::max);
						Thread.sleep(50);
					}
					else {
						synchronized (badAnswers) {
							badAnswers.add(title + ": " + response.statusCode() + " " + response.headers().map() + " "
									+ response.body());
						}
					}
				}
				return null;
			}));
		}
		try {
			awaitTrue(() -> acknowledged.get() >= 20, "writes before the outage");

			postgres.close();
			long downAt = System.nanoTime();
			awaitTrue(() -> status("/actuator/health/readiness") == 503, "readiness down while PostgreSQL is");
			assertThat(status("/actuator/health/liveness")).as("liveness stays up").isEqualTo(200);
			long acknowledgedWhileDown = acknowledged.get();
			awaitTrue(() -> answers.values().stream().filter((status) -> status == 503).count() >= WRITERS,
					"503s while PostgreSQL is down");
			assertThat(acknowledged.get()).as("no write acknowledged while PostgreSQL is down")
				.isEqualTo(acknowledgedWhileDown);

			postgres = startPostgres();
			long upAt = System.nanoTime();
			awaitTrue(() -> acknowledged.get() > acknowledgedWhileDown + WRITERS, "writes after PostgreSQL is back");
			long recoveredAfter = (System.nanoTime() - upAt) / 1_000_000;
			awaitTrue(() -> status("/actuator/health/readiness") == 200, "readiness up again");
			System.out.printf("Outage: down %d ms, writes again %d ms after PostgreSQL was back, slowest 503 %d ms%n",
					(upAt - downAt) / 1_000_000, recoveredAfter, slowest503.get());
		}
		finally {
			writing.set(false);
			for (Future<?> writer : running) {
				writer.get(2, TimeUnit.MINUTES);
			}
			writers.shutdown();
		}

		assertThat(badAnswers).as("answers other than 201 or a 503 problem with Retry-After").isEmpty();
		assertThat(answers).containsValue(503);
		Set<String> acknowledgedTitles = new HashSet<>();
		answers.forEach((title, status) -> {
			if (status == 201) {
				acknowledgedTitles.add(title);
			}
		});
		// Exact, not "at least": every create is one autocommit statement. PostgreSQL
		// sends its
		// CommandComplete and ReadyForQuery before a backend acts on the shutdown's
		// SIGTERM, so a
		// committed insert is always acknowledged to the driver, which completes on
		// ReadyForQuery,
		// and the application answers 201; a statement cut off before its commit is
		// rolled back
		// and answered 503. With the server down nothing commits at all. An
		// acknowledgement lost
		// after the commit would need the application or the network to fail, not the
		// database.
		assertThat(titlesInDatabase(user)).isEqualTo(acknowledgedTitles);
	}

	private HttpResponse<String> post(String token, String title) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(uri("/api/tasks"))
			.timeout(CLIENT_TIMEOUT)
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "application/json")
			.POST(BodyPublishers.ofString("{\"title\": \"" + title + "\"}"))
			.build();
		return this.http.send(request, BodyHandlers.ofString());
	}

	private int status(String path) throws IOException, InterruptedException {
		return this.http
			.send(HttpRequest.newBuilder(uri(path)).timeout(CLIENT_TIMEOUT).build(), BodyHandlers.discarding())
			.statusCode();
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private static Set<String> titlesInDatabase(String user) throws Exception {
		Set<String> titles = new HashSet<>();
		try (Connection connection = postgres.getPostgresDatabase().getConnection();
				PreparedStatement select = connection.prepareStatement("SELECT title FROM tasks WHERE user_id = ?")) {
			select.setString(1, user);
			try (ResultSet rows = select.executeQuery()) {
				while (rows.next()) {
					titles.add(rows.getString(1));
				}
			}
		}
		return titles;
	}

	private static void awaitTrue(Condition condition, String what) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (!condition.holds()) {
			assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
			Thread.sleep(100);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private interface Condition {

		boolean holds() throws Exception;

	}

}
