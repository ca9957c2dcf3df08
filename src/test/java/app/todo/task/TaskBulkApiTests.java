package app.todo.task;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import app.todo.ApiTestSupport;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec;

import static app.todo.task.TaskRequests.create;
import static app.todo.task.TaskRequests.get;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bulk actions end to end, in both path forms: clearing completed tasks and
 * completing a set of tasks, each confined to the caller and all or nothing.
 */
class TaskBulkApiTests extends ApiTestSupport {

	private static final JsonMapper json = JsonMapper.builder().build();

	@ParameterizedTest
	@EnumSource(PathForm.class)
	void deleteCompletedDeletesOnlyTheCallersCompletedTasksAndSaysHowMany(PathForm form) {
		String alice = newUser();
		String bob = newUser();
		create(as(alice), "{\"title\": \"open\"}");
		create(as(alice), "{\"title\": \"done 1\", \"completed\": true}");
		create(as(alice), "{\"title\": \"done 2\", \"completed\": true}");
		long bobsDone = create(as(bob), "{\"title\": \"Bob's done\", \"completed\": true}");
		String tasks = form.tasks(alice);
		as(alice).delete()
			.uri(tasks + "?status=completed")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType(MediaType.APPLICATION_JSON)
			.expectBody()
			.json("{\"deleted\": 2}", true);
		assertThat(TaskApiTests.titles(as(alice), "/api/tasks")).containsExactly("open");
		as(alice).delete()
			.uri(tasks + "?status=completed")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.json("{\"deleted\": 0}", true);
		as(bob).get().uri("/api/tasks/{id}", bobsDone).exchange().expectStatus().isOk();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "?status=all", "?status=pending", "?status=", "?status=done",
			"?status=completed&status=completed", "?status=completed&tag=work", "?status=completed&q=milk",
			"?status=completed&limit=1" })
	void deleteWithoutExactlyStatusCompletedIsABadRequestAndDeletesNothing(String query) {
		WebTestClient client = as(newUser());
		create(client, "{\"title\": \"open\"}");
		create(client, "{\"title\": \"done\", \"completed\": true, \"tags\": [\"work\"]}");
		String parameter = query.isEmpty() || query.startsWith("?status=completed&status") || !query.contains("&")
				? "status" : query.substring(query.indexOf('&') + 1, query.lastIndexOf('='));
		client.delete()
			.uri("/api/tasks" + query)
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.parameter")
			.isEqualTo(parameter);
		assertThat(TaskApiTests.titles(client, "/api/tasks?sort=title")).containsExactly("done", "open");
	}

	@ParameterizedTest
	@EnumSource(PathForm.class)
	void completeManySetsEachTaskAndCountsAVersion(PathForm form) {
		String user = newUser();
		WebTestClient client = as(user);
		long open = create(client, "{\"title\": \"open\"}");
		long done = create(client, "{\"title\": \"done\", \"completed\": true}");
		long other = create(client, "{\"title\": \"other\"}");
		Task doneBefore = get(client, done);
		Map<String, Object> answer = send(client, form.tasks(user) + "/complete",
				"{\"ids\": [" + done + ", " + open + ", " + open + "], \"completed\": true}")
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType(MediaType.APPLICATION_JSON)
			.expectBody(String.class)
			.returnResult()
			.getResponseBody()
			.transform(TaskBulkApiTests::map);
		assertThat(answer).containsEntry("updated", 2);
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> tasks = (List<Map<String, Object>>) answer.get("tasks");
		assertThat(tasks).extracting((task) -> ((Number) task.get("id")).longValue()).containsExactly(open, done);
		Task openAfter = get(client, open);
		Task doneAfter = get(client, done);
		assertThat(openAfter.completed()).isTrue();
		assertThat(openAfter.completedAt()).isNotNull();
		assertThat(openAfter.version()).isEqualTo(2);
		assertThat(openAfter.updatedAt()).isAfter(openAfter.createdAt());
		// Already completed: a new version, as for a single write, but it keeps when it
		// was completed
		assertThat(doneAfter.version()).isEqualTo(2);
		assertThat(doneAfter.completedAt()).isEqualTo(doneBefore.completedAt());
		assertThat(get(client, other).version()).isEqualTo(1);
		send(client, form.tasks(user) + "/complete", "{\"ids\": [" + done + ", " + open + "], \"completed\": false}")
			.expectStatus()
			.isOk();
		assertThat(get(client, open).completed()).isFalse();
		assertThat(get(client, open).completedAt()).isNull();
		assertThat(get(client, done).version()).isEqualTo(3);
	}

	@Test
	void completeManyWithoutCompletedCompletes() {
		WebTestClient client = as(newUser());
		long id = create(client, "{\"title\": \"open\"}");
		send(client, "/api/tasks/complete", "{\"ids\": [" + id + "]}").expectStatus().isOk();
		assertThat(get(client, id).completed()).isTrue();
	}

	@ParameterizedTest
	@EnumSource(PathForm.class)
	void completeManyWhenAnyIdIsMissingOrAnotherUsersThenNotFoundAndNothingChanges(PathForm form) {
		String alice = newUser();
		String bob = newUser();
		long alices = create(as(alice), "{\"title\": \"Alice's\"}");
		long bobs = create(as(bob), "{\"title\": \"Bob's\"}");
		long gone = create(as(bob), "{\"title\": \"gone\"}");
		as(bob).delete().uri("/api/tasks/{id}", gone).exchange().expectStatus().isNoContent();
		for (long stranger : List.of(alices, gone)) {
			send(as(bob), form.tasks(bob) + "/complete", "{\"ids\": [" + bobs + ", " + stranger + "]}").expectStatus()
				.isNotFound()
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.expectBody()
				.jsonPath("$.detail")
				.isEqualTo("No such task.");
		}
		assertThat(get(as(bob), bobs).version()).isEqualTo(1);
		assertThat(get(as(bob), bobs).completed()).isFalse();
		assertThat(get(as(alice), alices).version()).isEqualTo(1);
		assertThat(get(as(alice), alices).completed()).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "{}", "{\"ids\": []}", "{\"ids\": 1}", "{\"ids\": null}", "{\"ids\": [\"1\"]}",
			"{\"ids\": [0]}", "{\"ids\": [-1]}", "{\"ids\": [1.5]}", "{\"ids\": [9223372036854775808]}",
			"{\"ids\": [null]}", "{\"ids\": [1], \"completed\": \"yes\"}", "{\"ids\": [1], \"completed\": null}" })
	void completeManyWhenBodyBreaksARuleThenUnprocessable(String body) {
		WebTestClient client = as(newUser());
		long id = create(client, "{\"title\": \"open\"}");
		send(client, "/api/tasks/complete", body.replace("[1]", "[" + id + "]")).expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo(body.contains("completed") ? "completed" : "ids");
		assertThat(get(client, id).version()).isEqualTo(1);
	}

	@Test
	void completeManyWhenTooManyIdsThenUnprocessable() {
		WebTestClient client = as(newUser());
		long id = create(client, "{\"title\": \"open\"}");
		StringBuilder ids = new StringBuilder().append(id);
		for (int i = 1; i <= BulkCompletion.MAX_IDS; i++) {
			ids.append(", ").append(id + i * 1_000_000L);
		}
		send(client, "/api/tasks/complete", "{\"ids\": [" + ids + "]}").expectStatus().isEqualTo(422);
		assertThat(get(client, id).completed()).isFalse();
	}

	@Test
	void completeManyWhenBodyIsNotJsonThenUnsupportedMediaType() {
		WebTestClient client = as(newUser());
		client.post()
			.uri("/api/tasks/complete")
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue("1,2")
			.exchange()
			.expectStatus()
			.isEqualTo(415);
		client.post()
			.uri("/api/tasks/complete")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("[1, 2]")
			.exchange()
			.expectStatus()
			.isBadRequest();
	}

	@Test
	void bulkActionsUnderAnotherUsersPathAreForbiddenAndChangeNothing() {
		String alice = newUser();
		long done = create(as(alice), "{\"title\": \"done\", \"completed\": true}");
		long open = create(as(alice), "{\"title\": \"open\"}");
		WebTestClient bob = as(newUser());
		bob.delete().uri("/api/" + alice + "/tasks?status=completed").exchange().expectStatus().isForbidden();
		send(bob, "/api/" + alice + "/tasks/complete", "{\"ids\": [" + open + "]}").expectStatus().isForbidden();
		assertThat(get(as(alice), done).completed()).isTrue();
		assertThat(get(as(alice), open).completed()).isFalse();
	}

	private static ResponseSpec send(WebTestClient client, String uri, String body) {
		return client.post().uri(uri).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
	}

	private static Map<String, Object> map(String body) {
		return json.readValue(body, new TypeReference<Map<String, Object>>() {
		});
	}

}
