package app.todo.task;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import app.todo.ApiTestSupport;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/me/export} through the whole chain: exactly the caller's tasks, as the
 * API serves them, and 100,000 of them in memory that does not grow with their number.
 */
class TaskExportTests extends ApiTestSupport {

	private static final JsonMapper json = JsonMapper.builder().build();

	@Autowired
	private DatabaseClient db;

	@LocalServerPort
	private int port;

	@Test
	void exportWhenTasksThenHeaderLineAndEveryTaskAsServed() {
		String user = newUser();
		String other = newUser();
		as(user).post().uri("/api/tasks").contentType(MediaType.APPLICATION_JSON).bodyValue("""
				{"title": "Buy milk", "description": "Oat", "priority": "high", "due_date": "2026-12-01T10:00:00Z",
				 "tags": ["home", "shop"]}""").exchange().expectStatus().isCreated();
		as(user).post()
			.uri("/api/tasks")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"Done already\", \"completed\": true}")
			.exchange()
			.expectStatus()
			.isCreated();
		String third = as(user).post()
			.uri("/api/tasks")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"Edited\"}")
			.exchange()
			.expectStatus()
			.isCreated()
			.returnResult(String.class)
			.getResponseHeaders()
			.getLocation()
			.toString();
		as(user).patch()
			.uri(third)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"priority\": \"low\"}")
			.exchange()
			.expectStatus()
			.isOk();
		as(other).post()
			.uri("/api/tasks")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"Not yours\"}")
			.exchange()
			.expectStatus()
			.isCreated();
		JsonNode listed = json.readTree(as(user).get()
			.uri("/api/tasks?sort=created_at&order=asc")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody());

		EntityExchangeResult<byte[]> export = as(user).get()
			.uri("/api/me/export")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType(MediaType.APPLICATION_NDJSON)
			.expectBody()
			.returnResult();

		assertThat(export.getResponseHeaders().getFirst(HttpHeaders.CONTENT_DISPOSITION))
			.isEqualTo("attachment; filename=\"todo-export-" + LocalDate.now(ZoneOffset.UTC) + ".ndjson\"");
		List<JsonNode> lines = Arrays.stream(new String(export.getResponseBody()).split("\n"))
			.map(json::readTree)
			.toList();
		assertThat(lines).hasSize(4);
		JsonNode header = lines.get(0);
		assertThat(header.get("format").asString()).isEqualTo("todo-export");
		assertThat(header.get("format_version").asInt()).isEqualTo(1);
		assertThat(header.get("user_id").asString()).isEqualTo(user);
		assertThat(header.get("exported_at").asString()).isNotBlank();
		assertThat(lines.subList(1, 4)).containsExactlyElementsOf(listed.values());
		assertThat(lines.get(3).get("version").asInt()).isEqualTo(2);
		assertThat(new String(export.getResponseBody())).doesNotContain("Not yours").doesNotContain(other);
	}

	@Test
	void exportWhenNoTasksThenHeaderLineOnly() {
		String body = as(newUser()).get()
			.uri("/api/me/export")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(body).endsWith("\n").doesNotContain("\"title\"");
		assertThat(body.split("\n")).hasSize(1);
	}

	@Test
	void exportWhenNoTokenThenUnauthorized() {
		this.client.get().uri("/api/me/export").exchange().expectStatus().isUnauthorized();
	}

	/**
	 * The body is read as a stream, counting lines, so the client holds none of it; the
	 * server's heap after the export is no larger than before, within noise.
	 */
	@Test
	void exportWhen100000TasksThenStreamedInBoundedMemory() throws Exception {
		int tasks = 100_000;
		String user = newUser();
		this.db.sql("INSERT INTO users (id, task_count) VALUES (:userId, :tasks)")
			.bind("userId", user)
			.bind("tasks", tasks)
			.fetch()
			.rowsUpdated()
			.block(Duration.ofSeconds(30));
		// In steps, each well within the statement timeout of a loaded machine
		for (int from = 1; from <= tasks; from += 20_000) {
			this.db.sql("""
					INSERT INTO tasks (user_id, title, description, priority, tags)
					SELECT :userId, 'Task ' || n, repeat('x', 100), n % 3, ARRAY['tag-' || (n % 10)]
					FROM generate_series(:from, :to) AS n""")
				.bind("userId", user)
				.bind("from", from)
				.bind("to", Math.min(tasks, from + 19_999))
				.fetch()
				.rowsUpdated()
				.block(Duration.ofSeconds(60));
		}
		try {
			long before = usedHeapAfterGc();
			HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
			long started = System.nanoTime();
			HttpResponse<InputStream> response = http
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/me/export"))
					.header(HttpHeaders.AUTHORIZATION, "Bearer " + identityProvider.hs256(user))
					.timeout(Duration.ofSeconds(60))
					.build(), HttpResponse.BodyHandlers.ofInputStream());
			assertThat(response.statusCode()).isEqualTo(200);
			long lines = countLines(response.body());
			long millis = (System.nanoTime() - started) / 1_000_000;
			long after = usedHeapAfterGc();
			System.out.printf("Exported %d tasks in %d ms; heap used before %d MiB, after %d MiB%n", tasks, millis,
					before >> 20, after >> 20);
			assertThat(lines).isEqualTo(tasks + 1);
			assertThat(after - before).isLessThan(32L << 20);
		}
		finally {
			this.db.sql("DELETE FROM users WHERE id = :userId")
				.bind("userId", user)
				.fetch()
				.rowsUpdated()
				.block(Duration.ofSeconds(60));
		}
	}

	private static long countLines(InputStream body) throws IOException {
		long lines = 0;
		byte[] chunk = new byte[64 * 1024];
		try (body) {
			for (int read = body.read(chunk); read >= 0; read = body.read(chunk)) {
				for (int i = 0; i < read; i++) {
					if (chunk[i] == '\n') {
						lines++;
					}
				}
			}
		}
		return lines;
	}

	private static long usedHeapAfterGc() throws InterruptedException {
		Runtime runtime = Runtime.getRuntime();
		for (int i = 0; i < 3; i++) {
			System.gc();
			Thread.sleep(100);
		}
		return runtime.totalMemory() - runtime.freeMemory();
	}

}
