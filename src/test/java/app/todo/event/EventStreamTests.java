package app.todo.event;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JWSAlgorithm;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import app.todo.ApiTestSupport;
import app.todo.task.TaskRequests;
import app.todo.TestIdentityProvider;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/events} on one instance, through the real security chain, on a real
 * PostgreSQL: every write path announces, nothing else does, and a stream resumes, ends
 * and is limited as the contract says. The HTTP timeouts are far below the heartbeat
 * here, so that a stream that outlives them shows that they do not cut idle streams.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = { "todo.events.heartbeat=1500ms", "todo.events.max-streams-per-user=3",
		"todo.events.max-streams=8", "todo.http.idle-timeout=300ms", "todo.http.read-timeout=300ms",
		"todo.http.request-timeout=300ms" })
class EventStreamTests extends ApiTestSupport {

	@Autowired
	private EventStreams streams;

	@Autowired
	private DatabaseClient db;

	@Autowired
	private ReactiveTransactionManager transactionManager;

	@BeforeEach
	void noStreamOfAnotherTestIsOpen() {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (this.streams.openStreams() > 0 && System.nanoTime() < deadline) {
			EventStream.pause(20);
		}
		assertThat(this.streams.openStreams()).isZero();
	}

	@Test
	void streamWhenTasksAreWrittenThenEachWriteIsAnEventWithTheTaskAndASyncToken() {
		String user = newUser();
		String token = identityProvider.hs256(user);
		try (EventStream stream = EventStream.open(this.client, token)) {
			stream.ready();
			long id = create(user, "Buy milk");
			ServerSentEvent<String> created = stream.nextChange();
			assertThat(created.event()).isEqualTo("task.created");
			assertThat(created.data()).contains("\"id\":" + id, "\"title\":\"Buy milk\"", "\"version\":1");

			as(user).patch()
				.uri("/api/tasks/" + id)
				.contentType(MediaType.valueOf("application/merge-patch+json"))
				.bodyValue("{\"title\": \"Buy oat milk\"}")
				.exchange()
				.expectStatus()
				.isOk();
			ServerSentEvent<String> patched = stream.nextChange();
			assertThat(patched.event()).isEqualTo("task.updated");
			assertThat(patched.data()).contains("\"title\":\"Buy oat milk\"", "\"version\":2");

			as(user).put()
				.uri("/api/tasks/" + id)
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"title\": \"Buy bread\"}")
				.exchange()
				.expectStatus()
				.isOk();
			assertThat(stream.nextChange().data()).contains("\"title\":\"Buy bread\"", "\"version\":3");

			as(user).patch().uri("/api/tasks/" + id + "/complete").exchange().expectStatus().isOk();
			assertThat(stream.nextChange().data()).contains("\"completed\":true", "\"version\":4");

			as(user).delete().uri("/api/tasks/" + id).exchange().expectStatus().isNoContent();
			ServerSentEvent<String> deleted = stream.nextChange();
			assertThat(deleted.event()).isEqualTo("task.deleted");
			assertThat(deleted.data()).contains("\"id\":" + id, "\"deleted\":true", "\"updated_at\"");

			// The id is a sync token of the delta sync: nothing changed since the last
			// one
			as(user).get()
				.uri("/api/tasks?updated_since=" + deleted.id())
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.json("[]");
		}
	}

	@Test
	void streamWhenBulkRoutesWriteThenEveryTaskTheyChangedIsAnEvent() {
		String user = newUser();
		long first = create(user, "One");
		long second = create(user, "Two");
		try (EventStream stream = EventStream.open(this.client, identityProvider.hs256(user))) {
			stream.ready();
			as(user).post()
				.uri("/api/tasks/complete")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"ids\": [" + first + ", " + second + "]}")
				.exchange()
				.expectStatus()
				.isOk();
			List<String> completed = List.of(stream.nextChange().data(), stream.nextChange().data());
			assertThat(completed).allSatisfy((data) -> assertThat(data).contains("\"completed\":true"));
			assertThat(String.join("", completed)).contains("\"id\":" + first, "\"id\":" + second);

			as(user).delete().uri("/api/tasks?status=completed").exchange().expectStatus().isOk();
			List<ServerSentEvent<String>> deleted = List.of(stream.nextChange(), stream.nextChange());
			assertThat(deleted).extracting(ServerSentEvent::event).containsOnly("task.deleted");
		}
	}

	@Test
	void streamWhenCreateIsReplayedWithItsIdempotencyKeyThenItIsAnnouncedOnce() {
		String user = newUser();
		try (EventStream stream = EventStream.open(this.client, identityProvider.hs256(user))) {
			stream.ready();
			for (int i = 0; i < 2; i++) {
				as(user).post()
					.uri("/api/tasks")
					.header("Idempotency-Key", "replayed-once")
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue("{\"title\": \"Once\"}")
					.exchange()
					.expectStatus()
					.isCreated();
			}
			create(user, "Marker");
			assertThat(stream.nextChange().data()).contains("\"title\":\"Once\"");
			assertThat(stream.nextChange().data()).as("no second announcement of the replay")
				.contains("\"title\":\"Marker\"");
		}
	}

	@Test
	void streamWhenTheInstanceWasStoppedAndStartedAgainThenNewStreamsStayOpen() {
		// As the test framework does to a cached context that other test classes pause
		this.streams.stop();
		this.streams.start();
		String user = newUser();
		try (EventStream stream = EventStream.open(this.client, identityProvider.hs256(user))) {
			stream.ready();
			create(user, "After a restart");
			assertThat(stream.nextChange().data()).contains("\"title\":\"After a restart\"");
		}
	}

	@Test
	void streamWhenAnotherUserWritesThenNothingOfItArrives() {
		String alice = newUser();
		String bob = newUser();
		try (EventStream aliceStream = EventStream.open(this.client, identityProvider.hs256(alice));
				EventStream bobStream = EventStream.open(this.client, identityProvider.hs256(bob))) {
			aliceStream.ready();
			bobStream.ready();
			create(alice, "Alice's secret");
			assertThat(aliceStream.nextChange().data()).contains("Alice's secret");
			create(bob, "Bob's own");
			assertThat(bobStream.nextChange().data()).as("Bob's first event is his own task").contains("Bob's own");
			assertThat(bobStream.changesWithin(Duration.ofMillis(300))).isEmpty();
		}
	}

	@Test
	void streamWhenAWriteIsRolledBackThenItIsNeverAnnounced() {
		String user = newUser();
		create(user, "Existing");
		try (EventStream stream = EventStream.open(this.client, identityProvider.hs256(user))) {
			stream.ready();
			Mono<Long> insert = this.db.sql("INSERT INTO tasks (user_id, title) VALUES (:userId, 'Rolled back')")
				.bind("userId", user)
				.fetch()
				.rowsUpdated();
			Mono<Long> update = this.db.sql("UPDATE tasks SET title = 'Rolled back too' WHERE user_id = :userId")
				.bind("userId", user)
				.fetch()
				.rowsUpdated()
				// As the API's statements announce their changes, in the same transaction
				.flatMap((rows) -> this.db.sql("SELECT pg_notify('task_changes', :userId)")
					.bind("userId", user)
					.fetch()
					.rowsUpdated()
					.thenReturn(rows));
			StepVerifier
				.create(TransactionalOperator.create(this.transactionManager)
					.transactional(insert.then(update).then(Mono.error(new IllegalStateException("roll back")))))
				.expectErrorMessage("roll back")
				.verify(Duration.ofSeconds(10));
			create(user, "Committed");
			assertThat(stream.nextChange().data()).as("the first event after the rolled-back writes")
				.contains("\"title\":\"Committed\"");
		}
	}

	@Test
	void streamWhenResumedWithLastEventIdThenChangesMadeWhileAwayArrive() {
		String user = newUser();
		String token = identityProvider.hs256(user);
		String lastId;
		try (EventStream stream = EventStream.open(this.client, token)) {
			stream.ready();
			create(user, "Seen");
			lastId = stream.nextChange().id();
		}
		List<Long> whileAway = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			whileAway.add(create(user, "While away " + i));
		}
		try (EventStream resumed = EventStream.open(this.client, "/api/events", (headers) -> {
			headers.setBearerAuth(token);
			headers.set("Last-Event-ID", lastId);
		})) {
			for (int i = 0; i < 3; i++) {
				ServerSentEvent<String> event = resumed.nextChange();
				assertThat(event.data()).contains("\"title\":\"While away " + i + "\"", "\"id\":" + whileAway.get(i));
			}
			create(user, "After");
			assertThat(resumed.nextChange().data()).contains("\"title\":\"After\"");
		}
	}

	@Test
	void streamWhenOpenedWithTheSyncTokenOfADeltaSyncThenLaterChangesArrive() {
		String user = newUser();
		create(user, "Synced");
		String syncToken = as(user).get()
			.uri("/api/tasks?updated_since=*")
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(String.class)
			.getResponseHeaders()
			.getFirst("Sync-Token");
		long later = create(user, "After the sync");
		try (EventStream stream = EventStream.open(this.client, "/api/events?updated_since=" + syncToken,
				(headers) -> headers.setBearerAuth(identityProvider.hs256(user)))) {
			assertThat(stream.nextChange().data()).contains("\"id\":" + later);
		}
	}

	@Test
	void streamWhenResumeIdIsForeignOrMalformedThenBadRequest() {
		String user = newUser();
		String othersToken = as(newUser()).get()
			.uri("/api/tasks?updated_since=*")
			.exchange()
			.returnResult(String.class)
			.getResponseHeaders()
			.getFirst("Sync-Token");
		as(user).get()
			.uri("/api/events")
			.header("Last-Event-ID", othersToken)
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.header")
			.isEqualTo("Last-Event-ID");
		as(user).get()
			.uri("/api/events?updated_since=garbage")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.parameter")
			.isEqualTo("updated_since");
	}

	@Test
	void streamWhenIdleLongerThanTheHttpTimeoutsThenItStaysOpenWithComments() {
		String user = newUser();
		try (EventStream stream = EventStream.open(this.client, identityProvider.hs256(user))) {
			stream.ready();
			EventStream.pause(3500);
			assertThat(stream.hasEnded()).isFalse();
			assertThat(stream.comments()).as("a comment line every 1.5 s").isGreaterThanOrEqualTo(2);
			create(user, "Still there");
			assertThat(stream.nextChange().data()).contains("Still there");
		}
	}

	@Test
	void streamWhenTheTokenExpiresThenItEnds() {
		String user = newUser();
		String shortLived = TestIdentityProvider.sign(
				TestIdentityProvider.hs256Signer(TestIdentityProvider.SECRET.getBytes(StandardCharsets.UTF_8)),
				JWSAlgorithm.HS256, null,
				identityProvider.claims(user).expirationTime(Date.from(Instant.now().plusSeconds(2))).build());
		try (EventStream stream = EventStream.open(this.client, shortLived)) {
			stream.ready();
			stream.awaitEnd(Duration.ofSeconds(6));
		}
	}

	@Test
	void ticketWhenUsedThenItOpensTheCallersStreamOnceAndNeverReachesTheLog(CapturedOutput output) {
		String user = newUser();
		String ticket = ticket(user);
		try (EventStream stream = EventStream.open(this.client, "/api/events?ticket=" + ticket, (headers) -> {
		})) {
			stream.ready();
			create(user, "Through a ticket");
			assertThat(stream.nextChange().data()).contains("Through a ticket");
		}
		this.client.get()
			.uri("/api/events?ticket=" + ticket)
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
			.expectBody()
			.jsonPath("$.detail")
			.value((detail) -> assertThat((String) detail).contains("used or expired"));
		assertThat(output.getAll()).doesNotContain(ticket).contains("GET /api/events");
	}

	@Test
	void ticketWhenExpiredOrUnknownOrMissingThenUnauthorized() {
		String user = newUser();
		String ticket = ticket(user);
		this.db.sql("UPDATE event_tickets SET expires_at = now() - interval '1 second' WHERE user_id = :userId")
			.bind("userId", user)
			.fetch()
			.rowsUpdated()
			.block(Duration.ofSeconds(10));
		for (String uri : List.of("/api/events?ticket=" + ticket, "/api/events?ticket=" + "A".repeat(43),
				"/api/events?ticket=not-a-ticket", "/api/events")) {
			this.client.get()
				.uri(uri)
				.exchange()
				.expectStatus()
				.isUnauthorized()
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		}
		this.client.post().uri("/api/events/ticket").exchange().expectStatus().isUnauthorized();
	}

	@Test
	void ticketAnswerNamesItsLifetime() {
		as(newUser()).post()
			.uri("/api/events/ticket")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.ticket")
			.value((ticket) -> assertThat((String) ticket).matches("[A-Za-z0-9_-]{43}"))
			.jsonPath("$.expires_in")
			.isEqualTo(30);
	}

	@Test
	void streamWhenTheUsersLimitIsReachedThen429AndWhenTheInstancesIsThen503() {
		List<EventStream> open = new ArrayList<>();
		try {
			String alice = newUser();
			for (int i = 0; i < 3; i++) {
				open.add(EventStream.open(this.client, identityProvider.hs256(alice)));
			}
			as(alice).get()
				.uri("/api/events")
				.exchange()
				.expectStatus()
				.isEqualTo(429)
				.expectHeader()
				.exists(HttpHeaders.RETRY_AFTER)
				.expectBody()
				.jsonPath("$.detail")
				.value((detail) -> assertThat((String) detail).contains("3 event streams"));
			for (int i = 0; i < 5; i++) {
				open.add(EventStream.open(this.client, identityProvider.hs256(newUser())));
			}
			as(newUser()).get()
				.uri("/api/events")
				.exchange()
				.expectStatus()
				.isEqualTo(503)
				.expectHeader()
				.exists(HttpHeaders.RETRY_AFTER)
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		}
		finally {
			open.forEach(EventStream::close);
		}
	}

	@Test
	void preflightWhenAnEventSourceOfAnAllowedOriginReconnectsThenLastEventIdIsAllowed() {
		this.client.options()
			.uri("/api/events")
			.header(HttpHeaders.ORIGIN, "https://app.example.com")
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "GET")
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "last-event-id")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.value(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS,
					(allowed) -> assertThat(allowed).containsIgnoringCase("last-event-id"));
	}

	private String ticket(String user) {
		Map<?, ?> body = as(user).post()
			.uri("/api/events/ticket")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		return (String) body.get("ticket");
	}

	private long create(String user, String title) {
		return TaskRequests.create(as(user), "{\"title\": \"" + title + "\"}");
	}

}
