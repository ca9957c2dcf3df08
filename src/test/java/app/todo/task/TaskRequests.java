package app.todo.task;

import java.util.List;
import java.util.Map;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The calls that tests make to set up and read back tasks, each checking its status. The
 * {@code Map} forms give a task exactly as the API wrote it, for tests that compare
 * answers field by field.
 */
public final class TaskRequests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private TaskRequests() {
	}

	/** Creates a task with {@code POST /api/tasks}; its id. */
	public static long create(WebTestClient client, String body) {
		return create(client, "/api/tasks", body);
	}

	/** Creates a task at {@code tasks}, a path of either form; its id. */
	public static long create(WebTestClient client, String tasks, String body) {
		return ((Number) createTask(client, tasks, body).get("id")).longValue();
	}

	public static Map<String, Object> createTask(WebTestClient client, String tasks, String body) {
		return json.readValue(client.post()
			.uri(tasks)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody(), new TypeReference<Map<String, Object>>() {
			});
	}

	public static Task get(WebTestClient client, long id) {
		return client.get()
			.uri("/api/tasks/{id}", id)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Task.class)
			.returnResult()
			.getResponseBody();
	}

	public static Map<String, Object> read(WebTestClient client, long id) {
		return json.readValue(client.get()
			.uri("/api/tasks/{id}", id)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody(), new TypeReference<Map<String, Object>>() {
			});
	}

	/** One page of a list, checked to be JSON. */
	public static List<Map<String, Object>> list(WebTestClient client, String uri) {
		return json.readValue(client.get()
			.uri(uri)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
			.expectBody(String.class)
			.returnResult()
			.getResponseBody(), new TypeReference<List<Map<String, Object>>>() {
			});
	}

}
