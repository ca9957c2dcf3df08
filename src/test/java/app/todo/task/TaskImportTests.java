package app.todo.task;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import app.todo.ApiTestSupport;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /api/me/import} through the whole chain: an export imported into another
 * account gives the same tasks; all or nothing; idempotent; bounded by the quota.
 */
class TaskImportTests extends ApiTestSupport {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final List<String> NEW_IN_EACH_ACCOUNT = List.of("id", "user_id", "created_at", "updated_at",
			"version");

	@Autowired
	private DatabaseClient db;

	@Autowired
	private QuotaProperties quotas;

	@Test
	void importWhenExportOfAnotherAccountThenSameTasks() {
		String user = newUser();
		create(user, """
				{"title": "Buy milk", "description": "Oat", "priority": "high", "due_date": "2026-12-01T10:00:00Z",
				 "tags": ["home", "shop"]}""");
		create(user, "{\"title\": \"Done already\", \"completed\": true, \"tags\": []}");
		create(user, "{\"title\": \"Plain\"}");
		String export = export(user);
		String newcomer = newUser();

		String answer = importBody(newcomer, export, null).expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();

		assertThat(json.readTree(answer).get("imported").asInt()).isEqualTo(3);
		assertThat(tasksOf(export(newcomer))).isEqualTo(tasksOf(export));
		assertThat(lines(export(newcomer)).get(1).get("user_id").asString()).isEqualTo(newcomer);
	}

	@Test
	void importWhenSameIdempotencyKeyThenImportedOnce() {
		String user = newUser();
		create(user, "{\"title\": \"Once\"}");
		String export = export(user);
		String newcomer = newUser();
		String key = UUID.randomUUID().toString();

		importBody(newcomer, export, key).expectStatus().isOk().expectHeader().doesNotExist("Idempotent-Replayed");
		importBody(newcomer, export, key).expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("Idempotent-Replayed", "true")
			.expectBody()
			.jsonPath("$.imported")
			.isEqualTo(1);
		importBody(newcomer, export + "{\"title\": \"Other\"}\n", key).expectStatus().isEqualTo(422);

		assertThat(tasksOf(export(newcomer))).hasSize(1);
	}

	@Test
	void importWhenALineIsBadThenBadRequestNamingItAndNothingImported() {
		String newcomer = newUser();
		String body = header() + "{\"title\": \"Fine\"}\n{\"title\": \"\"}\n{\"title\": \"Also fine\"}\n";

		importBody(newcomer, body, null).expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.line")
			.isEqualTo(3)
			.jsonPath("$.errors[0].field")
			.isEqualTo("title");
		importBody(newcomer, header() + "{\"title\": \"Fine\"}\nnot json\n", null).expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.line")
			.isEqualTo(3);
		importBody(newcomer, "{\"title\": \"No header\"}\n", null).expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.line")
			.isEqualTo(1);

		assertThat(tasksOf(export(newcomer))).isEmpty();
	}

	@Test
	void importWhenPastTheTaskQuotaThenQuotaProblemAndNothingImported() {
		String user = newUser();
		create(user, "{\"title\": \"Already here\"}");
		this.db.sql("UPDATE users SET task_count = :tasks WHERE id = :user")
			.bind("tasks", this.quotas.tasks() - 1)
			.bind("user", user)
			.fetch()
			.rowsUpdated()
			.block(Duration.ofSeconds(10));

		importBody(user, header() + "{\"title\": \"One\"}\n{\"title\": \"Two\"}\n", null).expectStatus()
			.isEqualTo(409)
			.expectBody()
			.jsonPath("$.quota")
			.isEqualTo("tasks");

		assertThat(tasksOf(export(user))).hasSize(1);
	}

	@Test
	void importWhenNotNdjsonThenUnsupportedMediaType() {
		as(newUser()).post()
			.uri("/api/me/import")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{}")
			.exchange()
			.expectStatus()
			.isEqualTo(415);
	}

	private static String header() {
		return "{\"format\": \"todo-export\", \"format_version\": 1, \"user_id\": \"x\", "
				+ "\"exported_at\": \"2026-12-01T00:00:00Z\"}\n";
	}

	private void create(String user, String body) {
		as(user).post()
			.uri("/api/tasks")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isCreated();
	}

	private String export(String user) {
		return as(user).get()
			.uri("/api/me/export")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
	}

	private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec importBody(String user, String body,
			String key) {
		return as(user).post().uri("/api/me/import").contentType(MediaType.APPLICATION_NDJSON).headers((headers) -> {
			if (key != null) {
				headers.set("Idempotency-Key", key);
			}
		}).bodyValue(body).exchange();
	}

	private static List<JsonNode> lines(String export) {
		return Arrays.stream(export.split("\n")).map(json::readTree).toList();
	}

	/** The tasks of an export without what each account gives them anew. */
	private static List<JsonNode> tasksOf(String export) {
		return lines(export).stream().skip(1).map((task) -> {
			ObjectNode copy = ((ObjectNode) task).deepCopy();
			NEW_IN_EACH_ACCOUNT.forEach(copy::remove);
			return (JsonNode) copy;
		}).toList();
	}

}
