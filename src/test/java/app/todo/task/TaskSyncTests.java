package app.todo.task;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import app.todo.ApiTestSupport;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Delta sync end to end: changes and tombstones since a token, paging, the retention
 * window, isolation, and a late-committing transaction that no token may skip.
 */
class TaskSyncTests extends ApiTestSupport {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@Autowired
	private DatabaseClient db;

	@Autowired
	private ConnectionFactory connectionFactory;

	@Autowired
	private ExpiredRowsPurge purge;

	@ParameterizedTest
	@EnumSource(PathForm.class)
	void fullSyncThenDeltasReportChangesAndDeletionsOnly(PathForm form) {
		String user = newUser();
		WebTestClient client = as(user);
		String tasks = form.tasks(user);
		long kept = TaskRequests.create(client, "{\"title\": \"Kept\"}");
		long changed = TaskRequests.create(client, "{\"title\": \"Changed\"}");
		long deleted = TaskRequests.create(client, "{\"title\": \"Deleted\"}");
		SyncPage full = sync(client, tasks, "*");
		assertThat(full.ids()).containsExactlyInAnyOrder(kept, changed, deleted);
		assertThat(full.next()).isNull();

		client.patch()
			.uri("/api/tasks/{id}", changed)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"Changed twice\"}")
			.exchange()
			.expectStatus()
			.isOk();
		client.delete().uri("/api/tasks/{id}", deleted).exchange().expectStatus().isNoContent();
		long added = TaskRequests.create(client, "{\"title\": \"Added\"}");

		SyncPage delta = sync(client, tasks, full.token());
		assertThat(delta.ids()).containsExactlyInAnyOrder(changed, deleted, added);
		Map<String, Object> tombstone = delta.item(deleted);
		assertThat(tombstone).containsOnlyKeys("id", "deleted", "updated_at").containsEntry("deleted", true);
		assertThat(Instant.parse((String) tombstone.get("updated_at"))).isBefore(Instant.now().plusSeconds(60));
		assertThat(delta.item(changed)).containsEntry("title", "Changed twice").containsEntry("version", 2);
		assertThat(delta.item(added)).containsEntry("title", "Added").doesNotContainKey("deleted");

		assertThat(sync(client, tasks, delta.token()).items()).isEmpty();
	}

	/**
	 * {@code /tasks/changes} is the sync under a path of its own (its own type in the
	 * OpenAPI document): the same answers, pages that stay on it, and a 400 without
	 * {@code updated_since}.
	 */
	@ParameterizedTest
	@EnumSource(PathForm.class)
	void changesPathAnswersAsUpdatedSinceOnTheListAndPagesOnItself(PathForm form) {
		String user = newUser();
		WebTestClient client = as(user);
		String tasks = form.tasks(user);
		List<Long> ids = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			ids.add(TaskRequests.create(client, "{\"title\": \"Task " + i + "\"}"));
		}
		client.delete().uri("/api/tasks/{id}", ids.remove(0)).exchange().expectStatus().isNoContent();
		// A first sync (*) has no tombstones: three tasks, in two pages
		SyncPage page = sync(client, tasks + "/changes", "*", 2);
		assertThat(page.next()).startsWith(tasks + "/changes?");
		List<Long> seen = new ArrayList<>(page.ids());
		page = sync(client, page.next());
		seen.addAll(page.ids());
		assertThat(seen).containsExactlyInAnyOrderElementsOf(sync(client, tasks, "*").ids());
		assertThat(seen).containsExactlyInAnyOrderElementsOf(ids);
		assertThat(sync(client, tasks + "/changes", page.token()).items()).isEmpty();
		expectBadParameter(client.get().uri(tasks + "/changes").exchange(), "updated_since");
		expectBadParameter(client.get().uri(tasks + "/changes?updated_since=*&status=pending").exchange(), "status");
		client.post()
			.uri(tasks + "/changes")
			.exchange()
			.expectStatus()
			.isEqualTo(405)
			.expectHeader()
			.valueEquals(HttpHeaders.ALLOW, "GET,HEAD");
	}

	@Test
	void headAnswersWithTheSyncTokenAndNoBody() {
		WebTestClient client = as(newUser());
		TaskRequests.create(client, "{\"title\": \"One\"}");
		client.head()
			.uri("/api/tasks?updated_since=*")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.exists(TaskChangeFeed.SYNC_TOKEN)
			.expectBody()
			.isEmpty();
	}

	@Test
	void aTimestampWithinTheRetentionGivesTheChangesSinceThen() {
		WebTestClient client = as(newUser());
		long before = TaskRequests.create(client, "{\"title\": \"Before\"}");
		Instant between = Instant.parse((String) sync(client, "/api/tasks", "*").item(before).get("updated_at"));
		long after = TaskRequests.create(client, "{\"title\": \"After\"}");
		client.delete().uri("/api/tasks/{id}", before).exchange().expectStatus().isNoContent();
		SyncPage page = sync(client, "/api/tasks", between.toString());
		assertThat(page.ids()).containsExactlyInAnyOrder(after, before);
		assertThat(page.item(before)).containsEntry("deleted", true);
		String withOffset = Instant.now().minus(Duration.ofDays(1)).atOffset(ZoneOffset.ofHours(1)).toString();
		assertThat(withOffset).contains("+01:00");
		assertThat(sync(client, "/api/tasks", withOffset).ids()).contains(after);
		assertThat(sync(client, "/api/tasks", Instant.now().minus(Duration.ofDays(29)).toString()).ids())
			.contains(after);
	}

	@Test
	void aTimestampOrTokenOlderThanTheRetentionIsGoneAndSaysToSyncAgain() {
		String user = newUser();
		WebTestClient client = as(user);
		String oldToken = SyncToken.after(1, Instant.now().minus(Duration.ofDays(31))).encode(user);
		for (String since : List.of(Instant.now().minus(Duration.ofDays(31)).toString(), oldToken,
				SyncToken.after(1, Instant.now().minus(Duration.ofDays(31)))
					.continuedAfter(new SyncToken.Page(5, Instant.now(), 5, 5))
					.encode(user))) {
			client.get()
				.uri("/api/tasks?updated_since={since}", since)
				.exchange()
				.expectStatus()
				.isEqualTo(HttpStatus.GONE)
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.expectBody()
				.jsonPath("$.status")
				.isEqualTo(410)
				.jsonPath("$.detail")
				.value((String detail) -> assertThat(detail).contains("updated_since=*"));
		}
	}

	/**
	 * Tokens of format s1 held transaction ids (before changelog 010): a client that kept
	 * one is told to sync again, as for an expired one, on the sync and on the stream.
	 */
	@Test
	void aTokenOfTheTransactionIdFormatIsGoneAndSaysToSyncAgain() {
		String user = newUser();
		WebTestClient client = as(user);
		TaskRequests.create(client, "{\"title\": \"Kept\"}");
		String xidToken = OpaqueTokens.encode("sync-token\0", user,
				String.join("\n", "s1", "760", Instant.now().minusSeconds(60).toString(), "-"));
		client.get()
			.uri("/api/tasks?updated_since={since}", xidToken)
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.GONE)
			.expectBody()
			.jsonPath("$.detail")
			.value((String detail) -> assertThat(detail).contains("updated_since=*"));
		client.get()
			.uri("/api/events?updated_since={since}", xidToken)
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.GONE);
		assertThat(sync(client, "/api/tasks", "*").items()).hasSize(1);
	}

	@Test
	void aTokenThatWasTamperedWithOrIsAnotherUsersIsABadRequest() {
		String alice = newUser();
		WebTestClient client = as(alice);
		TaskRequests.create(client, "{\"title\": \"Mine\"}");
		String token = sync(client, "/api/tasks", "*").token();
		String tampered = token.substring(0, 3) + ((token.charAt(3) == 'A') ? 'B' : 'A') + token.substring(4);
		for (String bad : List.of(tampered, token + "x", token.substring(0, token.indexOf('.')), "abc.def", "-",
				"2026-13-01T00:00:00Z", "2026-12-01", "yesterday:noon")) {
			expectBadParameter(client.get().uri("/api/tasks?updated_since={since}", bad).exchange(), "updated_since");
		}
		expectBadParameter(as(newUser()).get().uri("/api/tasks?updated_since={since}", token).exchange(),
				"updated_since");
	}

	@Test
	void otherListParametersAreRefusedButLimitPages() {
		WebTestClient client = as(newUser());
		for (String parameter : List.of("status=pending", "sort=title", "cursor=abc", "offset=1", "priority=high",
				"tag=home", "due_before=2026-12-01", "due_after=2026-12-01", "overdue=true", "q=milk")) {
			expectBadParameter(client.get().uri("/api/tasks?updated_since=*&" + parameter).exchange(),
					parameter.substring(0, parameter.indexOf('=')));
		}
		for (String limit : List.of("0", "201", "x")) {
			expectBadParameter(client.get().uri("/api/tasks?updated_since=*&limit=" + limit).exchange(), "limit");
		}
		expectBadParameter(client.get().uri("/api/tasks?updated_since=*&updated_since=*").exchange(), "updated_since");
		expectBadParameter(client.get().uri("/api/tasks?updated_since=").exchange(), "updated_since");
		// Unknown parameters are ignored, as on every list
		client.get().uri("/api/tasks?updated_since=*&colour=red").exchange().expectStatus().isOk();
	}

	/**
	 * Pages follow each other without repeating or skipping, only the last one hands out
	 * the Sync-Token, and a change made while paging is reported, on a later page or the
	 * next sync.
	 */
	@Test
	void pagesVisitEveryChangeAndAChangeMadeWhilePagingIsNotLost() {
		WebTestClient client = as(newUser());
		List<Long> ids = new ArrayList<>();
		for (int i = 0; i < 7; i++) {
			ids.add(TaskRequests.create(client, "{\"title\": \"Task " + i + "\"}"));
		}
		SyncPage page = sync(client, "/api/tasks", "*", 3);
		List<Long> seen = new ArrayList<>(page.ids());
		assertThat(page.token()).isNull();
		// Change a task of the first page while the client is paging
		client.patch()
			.uri("/api/tasks/{id}", seen.get(0))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"Changed while paging\"}")
			.exchange()
			.expectStatus()
			.isOk();
		int pages = 1;
		while (page.next() != null) {
			page = sync(client, page.next());
			seen.addAll(page.ids());
			pages++;
			assertThat(page.items()).hasSizeLessThanOrEqualTo(3);
		}
		assertThat(pages).isBetween(3, 4);
		assertThat(page.token()).isNotNull();
		assertThat(new HashSet<>(seen)).containsAll(ids);
		SyncPage next = sync(client, "/api/tasks", page.token());
		Set<Object> titles = new HashSet<>();
		next.items().forEach((item) -> titles.add(item.get("title")));
		assertThat(titles).contains("Changed while paging");
	}

	/**
	 * The interleaving a timestamp token gets wrong: a transaction changes a task (with
	 * the API's own statement), a sync runs and hands out a token while it is still open,
	 * then it commits. Its change is stamped before the token was made, yet the next sync
	 * must report it; and a write of the same user meanwhile waits for it (the users
	 * row's lock), so that the numbers follow the order of the commits.
	 */
	@Test
	void aChangeCommittedAfterATokenWasHandedOutIsInTheNextSync() {
		String user = newUser();
		WebTestClient client = as(user);
		long late = TaskRequests.create(client, "{\"title\": \"Before\"}");
		long other = TaskRequests.create(client, "{\"title\": \"Other\"}");
		String token = sync(client, "/api/tasks", "*").token();

		Connection connection = Mono.from(this.connectionFactory.create()).block(TIMEOUT);
		try {
			Mono.from(connection.beginTransaction()).block(TIMEOUT);
			Flux.from(connection
				.createStatement(TaskRepository.toggleStatement(null).replace(":userId", "$1").replace(":id", "$2"))
				.bind("$1", user)
				.bind("$2", late)
				.execute()).flatMap((result) -> result.map((row) -> row.get(0))).blockLast(TIMEOUT);
			SyncPage during = sync(client, "/api/tasks", token);
			assertThat(during.items()).isEmpty();
			token = during.token();
			Instant tokenMadeAt = Instant.now();
			// Waits for the open transaction's lock on the user's row
			Mono<Void> otherWrite = Mono
				.fromRunnable(() -> client.patch()
					.uri("/api/tasks/{id}", other)
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue("{\"title\": \"Other, changed\"}")
					.exchange()
					.expectStatus()
					.isOk())
				.subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic())
				.then()
				.cache();
			otherWrite.subscribe();
			Mono.delay(Duration.ofMillis(300)).block(TIMEOUT);
			Mono.from(connection.commitTransaction()).block(TIMEOUT);
			otherWrite.block(TIMEOUT);
			SyncPage after = sync(client, "/api/tasks", token);
			assertThat(after.ids()).containsExactly(late, other);
			Map<String, Object> reported = after.item(late);
			assertThat(reported).containsEntry("completed", true);
			// Stamped before the token was made: a token holding a time would have
			// skipped it
			assertThat(Instant.parse((String) reported.get("updated_at"))).isBefore(tokenMadeAt);
		}
		finally {
			Mono.from(connection.close()).block(TIMEOUT);
		}
	}

	@Test
	void everyUsersSyncSeesOnlyTheirOwnTasksAndTombstones() {
		String alice = newUser();
		WebTestClient aliceClient = as(alice);
		WebTestClient bobClient = as(newUser());
		long bobs = TaskRequests.create(bobClient, "{\"title\": \"Bob's\"}");
		String bobsToken = sync(bobClient, "/api/tasks", "*").token();
		long alices = TaskRequests.create(aliceClient, "{\"title\": \"Alice's\"}");
		aliceClient.delete().uri("/api/tasks/{id}", alices).exchange().expectStatus().isNoContent();
		TaskRequests.create(aliceClient, "{\"title\": \"Alice's second\"}");
		assertThat(sync(bobClient, "/api/tasks", bobsToken).items()).isEmpty();
		assertThat(sync(bobClient, "/api/tasks", Instant.now().minusSeconds(600).toString()).ids())
			.containsExactly(bobs);
	}

	/**
	 * Deletions by every route leave tombstones; deleting the user leaves none, and no
	 * error.
	 */
	@Test
	void everyDeletePathLeavesTombstonesButDeletingTheUserLeavesNone() {
		String user = newUser();
		WebTestClient client = as(user);
		long first = TaskRequests.create(client, "{\"title\": \"One\", \"completed\": true}");
		long second = TaskRequests.create(client, "{\"title\": \"Two\", \"completed\": true}");
		long third = TaskRequests.create(client, "{\"title\": \"Three\"}");
		long fourth = TaskRequests.create(client, "{\"title\": \"Four\"}");
		String token = sync(client, "/api/tasks", "*").token();
		client.delete().uri("/api/tasks?status=completed").exchange().expectStatus().isOk();
		client.delete().uri("/api/tasks/{id}", fourth).exchange().expectStatus().isNoContent();
		SyncPage page = sync(client, "/api/tasks", token);
		assertThat(page.ids()).containsExactlyInAnyOrder(first, second, fourth);
		assertThat(page.items()).allSatisfy((item) -> assertThat(item).containsEntry("deleted", true));

		this.db.sql("DELETE FROM users WHERE id = :user").bind("user", user).fetch().rowsUpdated().block(TIMEOUT);
		assertThat(count("SELECT count(*) FROM task_tombstones WHERE user_id = :user", user)).isZero();
		assertThat(count("SELECT count(*) FROM task_tombstones WHERE task_id = " + third, user)).isZero();
	}

	@Test
	void purgeDeletesOnlyExpiredTombstonesAndKeysAndRunsSafelyOnSeveralInstancesAtOnce() {
		String user = newUser();
		WebTestClient client = as(user);
		for (int i = 0; i < 5; i++) {
			client.post()
				.uri("/api/tasks")
				.header("Idempotency-Key", "key-" + i)
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"title\": \"T" + i + "\"}")
				.exchange()
				.expectStatus()
				.isCreated();
		}
		for (Map<String, Object> task : sync(client, "/api/tasks", "*").items()) {
			client.delete().uri("/api/tasks/{id}", task.get("id")).exchange().expectStatus().isNoContent();
		}
		// Two of each expired: tombstones past the retention and its grace day, keys past
		// 24 hours
		this.db
			.sql("""
					UPDATE task_tombstones SET deleted_at = now() - interval '31 days 1 hour'
					WHERE task_id IN (SELECT task_id FROM task_tombstones WHERE user_id = :user ORDER BY task_id LIMIT 2)""")
			.bind("user", user)
			.fetch()
			.rowsUpdated()
			.block(TIMEOUT);
		this.db.sql("""
				UPDATE idempotency_keys SET created_at = now() - interval '25 hours'
				WHERE user_id = :user AND idempotency_key IN ('key-0', 'key-1')""")
			.bind("user", user)
			.fetch()
			.rowsUpdated()
			.block(TIMEOUT);
		this.db
			.sql("""
					UPDATE task_tombstones SET deleted_at = now() - interval '30 days 1 hour'
					WHERE task_id IN (SELECT task_id FROM task_tombstones WHERE user_id = :user ORDER BY task_id DESC LIMIT 1)""")
			.bind("user", user)
			.fetch()
			.rowsUpdated()
			.block(TIMEOUT);

		Flux.merge(this.purge.purge(), this.purge.purge(), this.purge.purge()).blockLast(TIMEOUT);
		assertThat(count("SELECT count(*) FROM task_tombstones WHERE user_id = :user", user)).isEqualTo(3);
		assertThat(count("SELECT count(*) FROM idempotency_keys WHERE user_id = :user", user)).isEqualTo(3);
		assertThat(count("SELECT count(*) FROM task_tombstones WHERE deleted_at < now() - interval '31 days'", user))
			.isZero();
	}

	private long count(String sql, String user) {
		var spec = this.db.sql(sql);
		if (sql.contains(":user")) {
			spec = spec.bind("user", user);
		}
		return spec.map((row) -> row.get(0, Long.class)).one().block(TIMEOUT);
	}

	private static void expectBadParameter(WebTestClient.ResponseSpec response, String parameter) {
		response.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.parameter")
			.isEqualTo(parameter);
	}

	private static SyncPage sync(WebTestClient client, String tasks, String since) {
		return sync(client, tasks, since, 200);
	}

	private static SyncPage sync(WebTestClient client, String tasks, String since, int limit) {
		return sync(client.get().uri(tasks + "?updated_since={since}&limit={limit}", since, limit));
	}

	/** Follows a next link. */
	private static SyncPage sync(WebTestClient client, String next) {
		return sync(client.get().uri(next));
	}

	private static SyncPage sync(WebTestClient.RequestHeadersSpec<?> request) {
		EntityExchangeResult<String> result = request.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType(MediaType.APPLICATION_JSON)
			.expectBody(String.class)
			.returnResult();
		HttpHeaders headers = result.getResponseHeaders();
		List<Map<String, Object>> items = json.readValue(result.getResponseBody(),
				new TypeReference<List<Map<String, Object>>>() {
				});
		String token = headers.getFirst(TaskChangeFeed.SYNC_TOKEN);
		String next = TaskApiTests.nextLink(headers);
		assertThat((token == null) != (next == null)).as("a Sync-Token or a next link, not both").isTrue();
		return new SyncPage(items, token, next);
	}

	record SyncPage(List<Map<String, Object>> items, @Nullable String token, @Nullable String next) {

		List<Long> ids() {
			return this.items.stream().map((item) -> ((Number) item.get("id")).longValue()).toList();
		}

		Map<String, Object> item(long id) {
			return this.items.stream()
				.filter((item) -> ((Number) item.get("id")).longValue() == id)
				.reduce((first, second) -> second)
				.orElseThrow(() -> new AssertionError("no change for task " + id + " in " + this.items));
		}

	}

}
