package app.todo.event;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import app.todo.Replicas;
import app.todo.TestIdentityProvider;
import app.todo.task.TaskRequests;

import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances of the whole application on one PostgreSQL, as two replicas behind a
 * balancer: a change made through one reaches the streams held by the other, a ticket of
 * one opens a stream on the other, and a listening connection that is lost misses
 * nothing.
 */
@ExtendWith(Replicas.Extension.class)
class EventReplicasTests {

	private static Replicas replicas;

	private static WebTestClient first;

	private static WebTestClient second;

	@BeforeAll
	static void replicas(Replicas started) {
		replicas = started;
		first = started.first();
		second = started.second();
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

	private static long listeners() throws SQLException {
		return replicas.queryForLong("SELECT count(*) FROM pg_stat_activity WHERE application_name = '"
				+ ChangeListener.APPLICATION_NAME + "'");
	}

	private static void terminateListeners() throws SQLException {
		replicas.queryForLong("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '"
				+ ChangeListener.APPLICATION_NAME + "'");
	}

	private static long create(WebTestClient replica, String token, String title) {
		return TaskRequests.create(replica.mutate().defaultHeaders((headers) -> headers.setBearerAuth(token)).build(),
				"{\"title\": \"" + title + "\"}");
	}

}
