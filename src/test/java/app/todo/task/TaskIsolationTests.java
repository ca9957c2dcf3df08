package app.todo.task;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import app.todo.ApiTestSupport;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.test.web.reactive.server.WebTestClient.RequestBodySpec;

import static app.todo.task.TaskRequests.create;
import static app.todo.task.TaskRequests.createTask;
import static app.todo.task.TaskRequests.list;
import static app.todo.task.TaskRequests.read;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One user's tasks are, to every other user, tasks that do not exist: every route on
 * another user's task answers exactly as for a missing one, lists never show it, and
 * nothing about it changes.
 */
class TaskIsolationTests extends ApiTestSupport {

	private static final JsonMapper json = JsonMapper.builder().build();

	/** Every route on one task, with a body that would succeed on one's own task. */
	enum Call {

		GET(HttpMethod.GET, "", null, null),
		PUT(HttpMethod.PUT, "", MediaType.APPLICATION_JSON, "{\"title\": \"Taken over\", \"completed\": true}"),
		PATCH(HttpMethod.PATCH, "", MediaType.valueOf("application/merge-patch+json"), "{\"title\": \"Taken over\"}"),
		PATCH_JSON(HttpMethod.PATCH, "", MediaType.APPLICATION_JSON, "{\"completed\": true}"),
		PATCH_EMPTY(HttpMethod.PATCH, "", MediaType.APPLICATION_JSON, "{}"),
		COMPLETE(HttpMethod.PATCH, "/complete", null, null),
		COMPLETE_TRUE(HttpMethod.PATCH, "/complete", MediaType.APPLICATION_JSON, "{\"completed\": true}"),
		COMPLETE_FALSE(HttpMethod.PATCH, "/complete", MediaType.APPLICATION_JSON, "{\"completed\": false}"),
		DELETE(HttpMethod.DELETE, "", null, null);

		final HttpMethod method;

		final String suffix;

		final @Nullable MediaType contentType;

		final @Nullable String body;

		Call(HttpMethod method, String suffix, @Nullable MediaType contentType, @Nullable String body) {
			this.method = method;
			this.suffix = suffix;
			this.contentType = contentType;
			this.body = body;
		}

		String uri(String tasks, long id) {
			return tasks + "/" + id + this.suffix;
		}

		EntityExchangeResult<byte[]> send(WebTestClient client, String uri) {
			RequestBodySpec request = client.method(this.method).uri(uri);
			if (this.contentType != null) {
				request = request.contentType(this.contentType);
			}
			return ((this.body != null) ? request.bodyValue(this.body) : request).exchange()
				.expectBody()
				.returnResult();
		}

	}

	@ParameterizedTest
	@EnumSource(Call.class)
	void callOnAnotherUsersTaskAnswersExactlyAsForAMissingOneInBothPathForms(Call call) {
		String alice = newUser();
		String bob = newUser();
		WebTestClient asAlice = as(alice);
		WebTestClient asBob = as(bob);
		long alicesTask = create(asAlice, "/api/tasks", """
				{"title": "Alice's", "description": "private", "priority": "high", "tags": ["secret"]}""");
		Map<String, Object> original = read(asAlice, alicesTask);
		long missing = create(asBob, "/api/tasks", "{\"title\": \"gone\"}");
		asBob.delete().uri("/api/tasks/{id}", missing).exchange().expectStatus().isNoContent();
		for (PathForm form : PathForm.values()) {
			String tasks = form.tasks(bob);
			EntityExchangeResult<byte[]> foreign = call.send(asBob, call.uri(tasks, alicesTask));
			EntityExchangeResult<byte[]> absent = call.send(asBob, call.uri(tasks, missing));
			assertThat(foreign.getStatus()).as(form.name()).isEqualTo(HttpStatus.NOT_FOUND);
			assertThat(foreign.getStatus()).isEqualTo(absent.getStatus());
			assertThat(foreign.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON)
				.isEqualTo(absent.getResponseHeaders().getContentType());
			Map<String, Object> foreignProblem = problemOf(foreign);
			Map<String, Object> absentProblem = problemOf(absent);
			assertThat(foreignProblem).containsEntry("title", "Not Found")
				.containsEntry("status", 404)
				.containsEntry("detail", "No such task.")
				.containsEntry("instance", call.uri(tasks, alicesTask));
			assertThat(withoutInstance(foreignProblem)).isEqualTo(withoutInstance(absentProblem));
			assertThat(headerNames(foreign.getResponseHeaders())).isEqualTo(headerNames(absent.getResponseHeaders()));
			assertThat(new String(foreign.getResponseBodyContent(), StandardCharsets.UTF_8)).doesNotContain("Alice's",
					"private", "secret", alice);
		}
		assertThat(read(asAlice, alicesTask)).isEqualTo(original);
		assertThat(ids(asBob, "/api/tasks")).isEmpty();
	}

	@Test
	void everyAttemptOfBobLeavesAlicesTaskUnchangedAndHisListsNeverShowIt() {
		String alice = newUser();
		String bob = newUser();
		WebTestClient asAlice = as(alice);
		WebTestClient asBob = as(bob);
		long open = create(asAlice, "/api/tasks", "{\"title\": \"Alice open\", \"due_date\": \"2026-12-01\"}");
		long done = create(asAlice, "/api/" + alice + "/tasks", "{\"title\": \"Alice done\", \"completed\": true}");
		long bobs = create(asBob, "/api/tasks", "{\"title\": \"Bob's\"}");
		Map<String, Object> openBefore = read(asAlice, open);
		Map<String, Object> doneBefore = read(asAlice, done);
		for (PathForm form : PathForm.values()) {
			String tasks = form.tasks(bob);
			for (long id : List.of(open, done)) {
				for (Call call : Call.values()) {
					assertThat(call.send(asBob, call.uri(tasks, id)).getStatus()).as(call + " " + form)
						.isEqualTo(HttpStatus.NOT_FOUND);
				}
			}
		}
		assertThat(read(asAlice, open)).isEqualTo(openBefore);
		assertThat(read(asAlice, done)).isEqualTo(doneBefore);
		assertThat(openBefore).containsEntry("version", 1)
			.containsEntry("title", "Alice open")
			.containsEntry("completed", false);
		assertThat(doneBefore).containsEntry("version", 1)
			.containsEntry("title", "Alice done")
			.containsEntry("completed", true);
		for (PathForm form : PathForm.values()) {
			String tasks = form.tasks(bob);
			for (String query : List.of("", "?status=all", "?status=pending", "?status=completed", "?limit=200",
					"?sort=due_date", "?sort=-due_date", "?sort=title", "?sort=priority", "?sort=updated_at",
					"?offset=0", "?user_id=" + alice)) {
				assertThat(ids(asBob, tasks + query)).as(tasks + query).doesNotContain(open, done);
			}
			assertThat(ids(asBob, tasks)).containsExactly(bobs);
		}
		assertThat(ids(asAlice, "/api/tasks")).containsExactlyInAnyOrder(open, done);
	}

	@Test
	void bobNamingAliceInThePathIsForbiddenAndChangesNothing() {
		String alice = newUser();
		WebTestClient asAlice = as(alice);
		WebTestClient asBob = as(newUser());
		long id = create(asAlice, "/api/tasks", "{\"title\": \"Alice's\"}");
		Map<String, Object> original = read(asAlice, id);
		String alicesPath = "/api/" + alice + "/tasks";
		for (Call call : Call.values()) {
			EntityExchangeResult<byte[]> result = call.send(asBob, call.uri(alicesPath, id));
			assertThat(result.getStatus()).as(call.name()).isEqualTo(HttpStatus.FORBIDDEN);
			assertThat(new String(result.getResponseBodyContent(), StandardCharsets.UTF_8)).doesNotContain("Alice's");
		}
		asBob.get().uri(alicesPath).exchange().expectStatus().isForbidden();
		asBob.post()
			.uri(alicesPath)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"Planted\"}")
			.exchange()
			.expectStatus()
			.isForbidden();
		assertThat(read(asAlice, id)).isEqualTo(original);
		assertThat(ids(asAlice, "/api/tasks")).containsExactly(id);
	}

	@ParameterizedTest
	@EnumSource(PathForm.class)
	void userIdInAPostBodyIsIgnoredAndTheTaskBelongsToTheCaller(PathForm form) {
		String alice = newUser();
		String bob = newUser();
		WebTestClient asAlice = as(alice);
		WebTestClient asBob = as(bob);
		Map<String, Object> task = createTask(asBob, form.tasks(bob),
				"{\"title\": \"Planted\", \"user_id\": \"" + alice + "\", \"userId\": \"" + alice + "\"}");
		long id = ((Number) task.get("id")).longValue();
		assertThat(task).containsEntry("user_id", bob);
		assertThat(read(asBob, id)).containsEntry("user_id", bob);
		asAlice.get().uri("/api/tasks/{id}", id).exchange().expectStatus().isNotFound();
		assertThat(ids(asAlice, "/api/tasks")).isEmpty();
		assertThat(ids(asBob, "/api/tasks")).containsExactly(id);
	}

	@ParameterizedTest
	@EnumSource(PathForm.class)
	void userIdInAPutOrPatchBodyIsIgnoredToo(PathForm form) {
		String alice = newUser();
		String bob = newUser();
		WebTestClient asAlice = as(alice);
		WebTestClient asBob = as(bob);
		String tasks = form.tasks(bob);
		long id = create(asBob, tasks, "{\"title\": \"Bob's\"}");
		asBob.put()
			.uri(tasks + "/" + id)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"Bob's\", \"user_id\": \"" + alice + "\"}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.user_id")
			.isEqualTo(bob);
		asBob.patch()
			.uri(tasks + "/" + id)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"user_id\": \"" + alice + "\", \"id\": 1}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.user_id")
			.isEqualTo(bob)
			.jsonPath("$.id")
			.isEqualTo(id);
		asAlice.get().uri("/api/tasks/{id}", id).exchange().expectStatus().isNotFound();
		assertThat(ids(asAlice, "/api/tasks")).isEmpty();
		assertThat(read(asBob, id)).containsEntry("user_id", bob);
	}

	private static List<Long> ids(WebTestClient client, String uri) {
		return list(client, uri).stream().map((task) -> ((Number) task.get("id")).longValue()).toList();
	}

	private static Map<String, Object> problemOf(EntityExchangeResult<byte[]> result) {
		return json.readValue(result.getResponseBodyContent(), new TypeReference<Map<String, Object>>() {
		});
	}

	private static Map<String, Object> withoutInstance(Map<String, Object> problem) {
		Map<String, Object> copy = new HashMap<>(problem);
		copy.remove("instance");
		return copy;
	}

	private static List<String> headerNames(HttpHeaders headers) {
		return headers.headerNames()
			.stream()
			.filter((name) -> !name.equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH)
					&& !name.equalsIgnoreCase(HttpHeaders.DATE))
			.map((name) -> name.toLowerCase(java.util.Locale.ROOT))
			.sorted()
			.toList();
	}

}
