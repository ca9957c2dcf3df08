package app.todo.task;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import app.todo.ApiTestSupport;
import app.todo.task.TaskListQuery.Position;
import app.todo.task.TaskListQuery.Status;
import app.todo.task.TaskRepository.PageStatement;
import app.todo.web.Paging;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * On a Citus cluster ({@code src/ops/citus-test.sh}) a user's requests stay on that
 * user's shard: {@code tasks} is distributed by {@code user_id}, every list statement
 * explained with its values is a router plan (one task), and every statement that one
 * user's requests ran on a distributed table was routed by its distribution key, as Citus
 * itself counted it ({@code citus_stat_statements}). Skipped on a plain PostgreSQL.
 */
class CitusPlanTests extends ApiTestSupport {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	/**
	 * The statements of the jobs that read or purge across users on a timer, whatever
	 * requests run meanwhile (regular expressions on the statement's text): the purges of
	 * expired tombstones, idempotency keys and event tickets, and the revocations read
	 * every 2 s.
	 */
	private static final String[] CLUSTER_WIDE_JOBS = { "< now\\(\\) - make_interval", "expires_at < now\\(\\)",
			"tokens_valid_after > " };

	@Autowired
	private DatabaseClient db;

	// Per test, so that a plain PostgreSQL reports each of them skipped
	@BeforeEach
	void onCitusOnly() {
		assumeTrue(one("SELECT count(*) FROM pg_extension WHERE extname = 'citus'", Long.class) == 1,
				"Not a Citus cluster: src/ops/citus-test.sh runs these");
	}

	@Test
	void tasksWhenOnCitusThenDistributedByOwner() {
		assertThat(distributionColumn("tasks")).as("tasks' distribution column (pg_dist_partition)")
			.isEqualTo("user_id");
	}

	@Test
	void everyListStatementWhenExplainedThenOneShard() {
		String user = newUser();
		TaskRequests.create(as(user), "{\"title\": \"On one shard\", \"tags\": [\"work\"]}");
		List<String> checked = new ArrayList<>();
		for (TaskListQuery query : queries()) {
			PageStatement statement = TaskRepository.pageStatement(user, query);
			GenericExecuteSpec spec = this.db.sql("EXPLAIN " + statement.sql());
			for (Map.Entry<String, Parameter> parameter : statement.parameters().entrySet()) {
				spec = spec.bind(parameter.getKey(), parameter.getValue());
			}
			String plan = String.join("\n",
					spec.map((row) -> row.get(0, String.class)).all().collectList().block(TIMEOUT));
			assertRouterPlan(query + "\n" + statement.sql(), plan);
			checked.add(query.toString());
		}
		assertThat(checked).hasSizeGreaterThan(100);
	}

	/**
	 * Every route a user calls, then what Citus counted: each statement on a distributed
	 * table carries the value of its distribution column (a router execution), none fans
	 * out to every shard, except those of the jobs that work across users by design.
	 */
	@Test
	void everyStatementOfAUsersRequestsWhenRunThenRoutedToOneShard() {
		assumeTrue(one("SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'", Long.class) == 1,
				"pg_stat_statements is not created: src/ops/citus.sh creates it");
		assertThat(distributionColumn("tasks")).as("tasks' distribution column").isEqualTo("user_id");
		one("SELECT count(*) FROM (SELECT citus_stat_statements_reset()) reset", Long.class);
		callEveryRoute(newUser());
		String statements = """
				SELECT s.query || '  (' || count(*) || ' keys, ' || sum(s.calls) || ' calls)'
				FROM citus_stat_statements s
				WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
				  AND s.partition_key IS %s NULL AND s.query !~* ALL (:jobs)
				  AND EXISTS (SELECT FROM pg_dist_partition p WHERE p.partmethod = 'h'
				              AND s.query ~* ('\\m' || p.logicalrelid::regclass::text || '\\M'))
				GROUP BY s.query ORDER BY s.query""";
		List<String> fannedOut = statements(statements.formatted(""), CLUSTER_WIDE_JOBS);
		List<String> routed = statements(statements.formatted("NOT"), CLUSTER_WIDE_JOBS);
		System.out.println("Statements routed to one shard:\n" + String.join("\n", routed));
		assertThat(fannedOut).as("statements on distributed tables not routed by their distribution column").isEmpty();
		assertThat(routed).as("statements routed to one shard").hasSizeGreaterThan(5);
	}

	private List<String> statements(String sql, String[] jobs) {
		return this.db.sql(sql)
			.bind("jobs", jobs)
			.map((row) -> row.get(0, String.class))
			.all()
			.collectList()
			.block(TIMEOUT);
	}

	private void callEveryRoute(String user) {
		String email = user + "@example.com";
		String password = "correct horse battery staple";
		this.client.post()
			.uri("/api/auth/sign-up")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("email", email, "password", password, "name", "Citus"))
			.exchange()
			.expectStatus()
			.isCreated();
		this.client.post()
			.uri("/api/auth/sign-in")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("email", email, "password", password))
			.exchange()
			.expectStatus()
			.isOk();
		WebTestClient client = as(user);
		long id = TaskRequests.create(client,
				"{\"title\": \"Buy milk\", \"tags\": [\"home\"], \"priority\": \"high\"}");
		long other = TaskRequests.create(client, "/api/" + user + "/tasks", "{\"title\": \"Call Bob\"}");
		client.post()
			.uri("/api/tasks")
			.header("Idempotency-Key", "citus-" + user)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"Once\"}")
			.exchange()
			.expectStatus()
			.isCreated();
		TaskRequests.get(client, id);
		TaskRequests.list(client, "/api/tasks");
		TaskRequests.list(client, "/api/tasks?status=pending&sort=title&q=milk&tag=home&priority=high");
		client.get().uri("/api/tasks?updated_since=*").exchange().expectStatus().isOk();
		client.get().uri("/api/tasks/changes?updated_since=*").exchange().expectStatus().isOk();
		client.put()
			.uri("/api/tasks/{id}", id)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"Buy oat milk\"}")
			.exchange()
			.expectStatus()
			.isOk();
		client.patch()
			.uri("/api/tasks/{id}", id)
			.contentType(MediaType.valueOf("application/merge-patch+json"))
			.bodyValue("{\"priority\": \"low\"}")
			.exchange()
			.expectStatus()
			.isOk();
		client.patch().uri("/api/tasks/{id}/complete", other).exchange().expectStatus().isOk();
		client.post()
			.uri("/api/tasks/complete")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"ids\": [" + id + "]}")
			.exchange()
			.expectStatus()
			.is2xxSuccessful();
		client.delete().uri("/api/tasks/{id}", other).exchange().expectStatus().isNoContent();
		client.delete().uri("/api/tasks?status=completed").exchange().expectStatus().is2xxSuccessful();
		client.get().uri("/api/me").exchange().expectStatus().isOk();
		String export = client.get()
			.uri("/api/me/export")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		client.post()
			.uri("/api/me/import")
			.contentType(MediaType.APPLICATION_NDJSON)
			.bodyValue(export)
			.exchange()
			.expectStatus()
			.isOk();
		client.post().uri("/api/events/ticket").exchange().expectStatus().is2xxSuccessful();
		client.delete().uri("/api/me").exchange().expectStatus().is2xxSuccessful();
		// Its tokens are refused after it: another user's
		as(newUser()).post().uri("/api/me/sign-out-everywhere").exchange().expectStatus().isNoContent();
	}

	/** Each sort both ways, each status, each kind of filter, first and later pages. */
	private static List<TaskListQuery> queries() {
		List<TaskListQuery> queries = new ArrayList<>();
		List<String> filterSets = List.of("", "priority=high&priority=low", "tag=work", "due_before=2026-09-01",
				"overdue=true", "overdue=false", "q=milk",
				"q=plan&priority=high&tag=work&due_after=2026-01-01&overdue=false");
		for (TaskSort.Field field : TaskSort.Field.values()) {
			for (boolean descending : List.of(false, true)) {
				for (Status status : Status.values()) {
					for (String filterSet : filterSets) {
						TaskFilters filters = TaskListParameters.filters(parameters(filterSet));
						TaskSort sort = new TaskSort(field, descending);
						queries.add(new TaskListQuery(status, sort, Paging.DEFAULT_LIMIT, 0, filters, null));
						queries.add(new TaskListQuery(status, sort, Paging.MAX_LIMIT, 100, filters, null));
						queries.add(new TaskListQuery(status, sort, Paging.DEFAULT_LIMIT, 0, filters, position(field)));
					}
				}
			}
		}
		return queries;
	}

	private static Position position(TaskSort.Field field) {
		return switch (field) {
			case CREATED_AT, UPDATED_AT, DUE_DATE -> new Position(Instant.parse("2026-06-01T00:00:00Z"), 1000);
			case PRIORITY -> new Position((short) 1, 1000);
			case TITLE -> new Position("milk", 1000);
		};
	}

	private static MultiValueMap<String, String> parameters(String query) {
		MultiValueMap<String, String> parameters = new LinkedMultiValueMap<>();
		for (String pair : query.split("&")) {
			if (!pair.isEmpty()) {
				parameters.add(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
			}
		}
		return parameters;
	}

	/**
	 * Citus's router plan: its custom scan with one task (a query that fans out shows one
	 * task per shard).
	 */
	private static void assertRouterPlan(String description, String plan) {
		assertThat(plan).as(description).contains("Custom Scan (Citus Adaptive)");
		assertThat(plan).as(description).containsPattern("Task Count: 1\\b");
	}

	private @Nullable String distributionColumn(String table) {
		return this.db
			.sql("SELECT column_to_column_name(logicalrelid, partkey) FROM pg_dist_partition "
					+ "WHERE logicalrelid = to_regclass(:table)")
			.bind("table", table)
			.map((row) -> row.get(0, String.class))
			.one()
			.block(TIMEOUT);
	}

	private <T> T one(String sql, Class<T> type) {
		return this.db.sql(sql).map((row) -> row.get(0, type)).one().block(TIMEOUT);
	}

}
