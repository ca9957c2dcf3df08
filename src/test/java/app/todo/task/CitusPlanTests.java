package app.todo.task;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

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
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * On a Citus cluster ({@code src/ops/citus-test.sh}) a user's requests stay on that
 * user's shard: {@code tasks} is distributed by {@code user_id}, every list statement
 * explained with its values is a router plan (one task), and every statement that the
 * routes ran on the workers touched only their callers' shards. Skipped on a plain
 * PostgreSQL.
 */
class CitusPlanTests extends ApiTestSupport {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	/**
	 * The statements of the jobs that read or purge across users on a timer, whatever
	 * requests run meanwhile (regular expressions on the statement's text): the purges of
	 * expired tombstones, idempotency keys and event tickets, and the revocations read
	 * every 2 s.
	 */
	private static final String[] CLUSTER_WIDE_JOBS = { "deleted_at <", "created_at <", "expires_at <",
			"tokens_valid_after > " };

	private static final Pattern NAME = Pattern.compile("\\b[a-z_]+_[0-9]+\\b");

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
	 * Every route called, then what the workers ran (their pg_stat_statements): every
	 * statement on a shard of a distributed table is on a shard of one of the callers.
	 * The writes that Citus runs in steps (a data-modifying CTE: the change, then its
	 * notification on the coordinator) are checked step by step this way, which the
	 * coordinator's own counts cannot show. The cluster-wide jobs (purges on a timer) may
	 * fan out, by design.
	 */
	@Test
	void everyStatementOfAUsersRequestsWhenRunThenOnTheirShardOnly() {
		assertThat(distributionColumn("tasks")).as("tasks' distribution column").isEqualTo("user_id");
		onWorkers("SELECT pg_stat_statements_reset()");
		List<String> users = callEveryRoute(newUser());
		List<String> theirShards = this.db.sql("""
				SELECT p.logicalrelid::regclass::text || '_' || get_shard_id_for_distribution_column(p.logicalrelid, u)
				FROM pg_dist_partition p, unnest(CAST(:users AS text[])) u WHERE p.partmethod = 'h'""")
			.bind("users", users.toArray(String[]::new))
			.map((row) -> row.get(0, String.class))
			.all()
			.collectList()
			.block(TIMEOUT);
		List<String> allShards = this.db.sql("""
				SELECT shard_name(s.logicalrelid, s.shardid) FROM pg_dist_shard s
				JOIN pg_dist_partition p ON p.logicalrelid = s.logicalrelid WHERE p.partmethod = 'h'""")
			.map((row) -> row.get(0, String.class))
			.all()
			.collectList()
			.block(TIMEOUT);
		List<String> onTheirShards = new ArrayList<>();
		List<String> elsewhere = new ArrayList<>();
		for (String statement : onWorkers("SELECT coalesce(string_agg(query, E'\\n--\\n'), '') FROM pg_stat_statements")
			.stream()
			.flatMap((result) -> Arrays.stream(result.split("\n--\n")))
			.filter((statement) -> Arrays.stream(CLUSTER_WIDE_JOBS)
				.noneMatch((job) -> statement.matches("(?s).*" + job + ".*")))
			.toList()) {
			List<String> shards = NAME.matcher(statement)
				.results()
				.map(MatchResult::group)
				.filter(allShards::contains)
				.toList();
			if (!shards.isEmpty()) {
				(theirShards.containsAll(shards) ? onTheirShards : elsewhere).add(statement);
			}
		}
		assertThat(elsewhere).as("statements on shards of none of the callers (theirs: %s)", theirShards).isEmpty();
		assertThat(onTheirShards).as("statements on the callers' shards").hasSizeGreaterThan(10);
	}

	/** The one-row answer of each worker to a statement run there. */
	private List<String> onWorkers(String sql) {
		return this.db.sql("SELECT success, result FROM run_command_on_workers(:sql)").bind("sql", sql).map((row) -> {
			assertThat(row.get(0, Boolean.class)).as(row.get(1, String.class)).isTrue();
			return row.get(1, String.class);
		}).all().collectList().block(TIMEOUT);
	}

	/** Calls every route, as three users: the ids of those users. */
	private List<String> callEveryRoute(String user) {
		String email = user + "@example.com";
		String password = "correct horse battery staple";
		String account = this.client.post()
			.uri("/api/auth/sign-up")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("email", email, "password", password, "name", "Citus"))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody()
			.get("user")
			.get("id")
			.stringValue();
		EntityExchangeResult<JsonNode> signedIn = this.client.post()
			.uri("/api/auth/sign-in")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("email", email, "password", password))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult();
		callSessionRoutes(signedIn, password);
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
		String leaving = newUser();
		as(leaving).post().uri("/api/me/sign-out-everywhere").exchange().expectStatus().isNoContent();
		return List.of(user, account, leaving);
	}

	/** Refresh, a password change and sign-out, with the session a sign-in started. */
	private void callSessionRoutes(EntityExchangeResult<JsonNode> signedIn, String password) {
		String refreshToken = signedIn.getResponseCookies().getFirst("todo_refresh").getValue();
		String refreshed = this.client.post()
			.uri("/api/auth/refresh")
			.header("X-Requested-With", "fetch")
			.cookie("todo_refresh", refreshToken)
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(JsonNode.class)
			.getResponseCookies()
			.getFirst("todo_refresh")
			.getValue();
		EntityExchangeResult<JsonNode> changed = this.client.post()
			.uri("/api/me/password")
			.headers((headers) -> headers.setBearerAuth(signedIn.getResponseBody().get("token").stringValue()))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("current_password", password, "new_password", password + " again"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult();
		assertThat(refreshed).isNotEqualTo(refreshToken);
		this.client.post()
			.uri("/api/auth/sign-out")
			.header("X-Requested-With", "fetch")
			.cookie("todo_refresh", changed.getResponseCookies().getFirst("todo_refresh").getValue())
			.exchange()
			.expectStatus()
			.isNoContent();
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
