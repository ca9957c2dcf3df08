package app.todo.event;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import app.todo.TestIdentityProvider;
import app.todo.TodoApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances of the whole application on one PostgreSQL, as two replicas behind a
 * balancer: a change made through one reaches the streams held by the other, a ticket of
 * one opens a stream on the other, and a listening connection that is lost misses
 * nothing.
 */
class EventReplicasTests {

	private static EmbeddedPostgres database;

	private static final List<ConfigurableApplicationContext> replicas = new ArrayList<>();

	private static WebTestClient first;

	private static WebTestClient second;

	@BeforeAll
	static void startTwoReplicas() throws IOException {
		database = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(60)).start();
		first = start();
		second = start();
	}

	private static WebTestClient start() {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(TodoApplication.class).run(
				"--server.port=0",
				"--todo.database.url=postgresql://postgres:postgres@127.0.0.1:" + database.getPort() + "/postgres",
				"--todo.auth.secret=" + TestIdentityProvider.SECRET, "--todo.auth.url=");
		replicas.add(context);
		String port = context.getEnvironment().getRequiredProperty("local.server.port");
		return WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + port)
			.responseTimeout(Duration.ofSeconds(30))
			.build();
	}

	@AfterAll
	static void stop() throws IOException {
		replicas.forEach(ConfigurableApplicationContext::close);
		if (database != null) {
			database.close();
		}
	}

	@Test
	void streamOnOneReplicaWhenATaskIsWrittenThroughTheOtherThenTheEventArrives() {
		String token = TestIdentityProvider.get().hs256("events-replicas-" + System.nanoTime());
		try (EventStream stream = EventStream.open(first, token)) {
			stream.ready();
			long id = create(second, token, "Written through the second");
			ServerSentEvent<String> created = stream.nextChange();
			assertThat(created.event()).isEqualTo("task.created");
			assertThat(created.data()).contains("\"id\":" + id, "Written through the second");
		}
	}

	@Test
	void ticketOfOneReplicaOpensAStreamOnTheOtherOnce() {
		String token = TestIdentityProvider.get().hs256("events-replicas-" + System.nanoTime());
		String ticket = (String) first.post()
			.uri("/api/events/ticket")
			.headers((headers) -> headers.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody()
			.get("ticket");
		try (EventStream stream = EventStream.open(second, "/api/events?ticket=" + ticket, (headers) -> {
		})) {
			stream.ready();
			create(first, token, "Through a ticket of the first");
			assertThat(stream.nextChange().data()).contains("Through a ticket of the first");
		}
		first.get().uri("/api/events?ticket=" + ticket).exchange().expectStatus().isUnauthorized();
	}

	@Test
	void streamWhenTheListeningConnectionsAreLostThenChangesMadeMeanwhileStillArrive() throws SQLException {
		String token = TestIdentityProvider.get().hs256("events-replicas-" + System.nanoTime());
		try (EventStream stream = EventStream.open(first, token)) {
			stream.ready();
			assertThat(listeners()).as("one listening connection per instance").isEqualTo(2);
			terminateListeners();
			// Written while no instance listens: its NOTIFY reaches nobody
			long id = create(second, token, "Written while nobody listened");
			ServerSentEvent<String> created = stream.nextChange();
			assertThat(created.data()).contains("\"id\":" + id);
			long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
			while (listeners() < 2 && System.nanoTime() < deadline) {
				EventStream.pause(50);
			}
			assertThat(listeners()).as("both instances listen again").isEqualTo(2);
			create(second, token, "Written after");
			assertThat(stream.nextChange().data()).contains("Written after");
		}
	}

	private static int listeners() throws SQLException {
		try (Connection connection = database.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement();
				ResultSet rows = statement
					.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE application_name = '"
							+ ChangeListener.APPLICATION_NAME + "'")) {
			rows.next();
			return rows.getInt(1);
		}
	}

	private static void terminateListeners() throws SQLException {
		try (Connection connection = database.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '"
					+ ChangeListener.APPLICATION_NAME + "'");
		}
	}

	private static long create(WebTestClient replica, String token, String title) {
		String location = replica.post()
			.uri("/api/tasks")
			.headers((headers) -> headers.setBearerAuth(token))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"" + title + "\"}")
			.exchange()
			.expectStatus()
			.isCreated()
			.returnResult(Void.class)
			.getResponseHeaders()
			.getLocation()
			.getPath();
		return Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
	}

}
