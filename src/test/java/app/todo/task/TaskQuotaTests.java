package app.todo.task;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import app.todo.ApiTestSupport;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one user may keep, with the default quotas: a user is brought near a quota by
 * setting the counts that the creates check (or, for idempotency keys, by inserting the
 * rows), then meets it through the API.
 */
class TaskQuotaTests extends ApiTestSupport {

	@Autowired
	private DatabaseClient db;

	@Autowired
	private QuotaProperties quotas;

	@Autowired
	private ExpiredRowsPurge purge;

	@Test
	void createWhenTheUserHasTheirQuotaOfTasksThenConflictNamingItAndNothingWritten() {
		String user = newUser();
		WebTestClient client = as(user);
		create(client, null).expectStatus().isCreated();
		setCounts(user, this.quotas.tasks() - 1, 0);
		create(client, null).expectStatus().isCreated();
		expectQuota(create(client, null), "tasks", this.quotas.tasks());
		expectQuota(create(client, UUID.randomUUID().toString()), "tasks", this.quotas.tasks());
		assertThat(count("SELECT count(*) FROM tasks WHERE user_id = :user", user)).isEqualTo(2);
		// Deleting one makes room for one
		long id = client.get()
			.uri("/api/tasks?limit=1")
			.exchange()
			.expectBodyList(Task.class)
			.returnResult()
			.getResponseBody()
			.get(0)
			.id();
		client.delete().uri("/api/tasks/{id}", id).exchange().expectStatus().isNoContent();
		create(client, null).expectStatus().isCreated();
		expectQuota(create(client, null), "tasks", this.quotas.tasks());
	}

	@Test
	void deleteCountsTasksDownAndTombstonesUp() {
		String user = newUser();
		WebTestClient client = as(user);
		for (int i = 0; i < 3; i++) {
			create(client, null).expectStatus().isCreated();
		}
		client.patch().uri("/api/tasks/{id}/complete", firstId(client)).exchange().expectStatus().isOk();
		client.delete().uri("/api/tasks?status=completed").exchange().expectStatus().isOk();
		assertThat(count("SELECT task_count FROM users WHERE id = :user", user)).isEqualTo(2);
		assertThat(count("SELECT tombstone_count FROM users WHERE id = :user", user)).isEqualTo(1);
		// Expired, the purge deletes it and counts it off
		this.db.sql("UPDATE task_tombstones SET deleted_at = now() - interval '400 days' WHERE user_id = :user")
			.bind("user", user)
			.fetch()
			.rowsUpdated()
			.block(Duration.ofSeconds(10));
		this.purge.purge().block(Duration.ofSeconds(30));
		assertThat(count("SELECT count(*) FROM task_tombstones WHERE user_id = :user", user)).isZero();
		assertThat(count("SELECT tombstone_count FROM users WHERE id = :user", user)).isZero();
	}

	@Test
	void createWhenTheUserDeletedTheirQuotaOfTasksThenConflictButDeletesStillWork() {
		String user = newUser();
		WebTestClient client = as(user);
		create(client, null).expectStatus().isCreated();
		setCounts(user, 1, this.quotas.deletedTasks());
		expectQuota(create(client, null), "deleted_tasks", this.quotas.deletedTasks());
		client.delete().uri("/api/tasks/{id}", firstId(client)).exchange().expectStatus().isNoContent();
	}

	@Test
	void createWhenTheUserUsedTheirQuotaOfIdempotencyKeysThenConflictButReplaysAndPlainCreatesWork() {
		String user = newUser();
		WebTestClient client = as(user);
		create(client, "kept").expectStatus().isCreated();
		this.db.sql("""
				INSERT INTO idempotency_keys (user_id, idempotency_key, request_hash, location, response)
				SELECT :user, 'filler-' || n, '\\x00', '/api/tasks/1', '{}' FROM generate_series(2, :quota) AS n""")
			.bind("user", user)
			.bind("quota", this.quotas.idempotencyKeys())
			.fetch()
			.rowsUpdated()
			.block(Duration.ofSeconds(30));
		expectQuota(create(client, "one-too-many"), "idempotency_keys", this.quotas.idempotencyKeys());
		create(client, "kept").expectStatus().isCreated().expectHeader().valueEquals("Idempotent-Replayed", "true");
		create(client, null).expectStatus().isCreated();
		// Keys older than 24 hours do not count
		this.db
			.sql("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE user_id = :user "
					+ "AND idempotency_key = 'filler-2'")
			.bind("user", user)
			.fetch()
			.rowsUpdated()
			.block(Duration.ofSeconds(10));
		create(client, "one-too-many").expectStatus().isCreated();
	}

	private WebTestClient.ResponseSpec create(WebTestClient client, String key) {
		WebTestClient.RequestBodySpec request = client.post().uri("/api/tasks").contentType(MediaType.APPLICATION_JSON);
		if (key != null) {
			request = request.header("Idempotency-Key", key);
		}
		return request.bodyValue("{\"title\": \"Quota\"}").exchange();
	}

	private static void expectQuota(WebTestClient.ResponseSpec response, String quota, int limit) {
		response.expectStatus()
			.isEqualTo(HttpStatus.CONFLICT)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(409)
			.jsonPath("$.quota")
			.isEqualTo(quota)
			.jsonPath("$.limit")
			.isEqualTo(limit)
			.jsonPath("$.detail")
			.value((String detail) -> assertThat(detail).contains(Integer.toString(limit)));
	}

	private long firstId(WebTestClient client) {
		return client.get()
			.uri("/api/tasks?limit=1")
			.exchange()
			.expectBodyList(Task.class)
			.returnResult()
			.getResponseBody()
			.get(0)
			.id();
	}

	private void setCounts(String user, int tasks, int tombstones) {
		this.db.sql("UPDATE users SET task_count = :tasks, tombstone_count = :tombstones WHERE id = :user")
			.bind("tasks", tasks)
			.bind("tombstones", tombstones)
			.bind("user", user)
			.fetch()
			.rowsUpdated()
			.block(Duration.ofSeconds(10));
	}

	private long count(String sql, String user) {
		return this.db.sql(sql)
			.bind("user", user)
			.map((row) -> ((Number) row.get(0)).longValue())
			.one()
			.block(Duration.ofSeconds(10));
	}

}
