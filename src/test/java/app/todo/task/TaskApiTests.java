package app.todo.task;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import app.todo.ApiTestSupport;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static app.todo.task.TaskRequests.create;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The task routes end to end, through the security chain, on PostgreSQL.
 */
class TaskApiTests extends ApiTestSupport {

	@Test
	void createThenGetReturnsTheStoredTask() {
		WebTestClient alice = as(newUser());
		String location = alice.post()
			.uri("/api/tasks")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("""
					{"title": "  Buy milk  ", "description": "Two litres, oat", "priority": "high",
					 "due_date": "2026-12-01", "tags": ["Home", "errand", "home"],
					 "id": 999, "user_id": "mallory", "version": 7, "colour": "red"}""")
			.exchange()
			.expectStatus()
			.isCreated()
			.expectHeader()
			.valueMatches(HttpHeaders.LOCATION, "/api/tasks/\\d+")
			.expectBody()
			.jsonPath("$.title")
			.isEqualTo("Buy milk")
			.jsonPath("$.description")
			.isEqualTo("Two litres, oat")
			.jsonPath("$.priority")
			.isEqualTo("high")
			.jsonPath("$.due_date")
			.isEqualTo("2026-12-01T00:00:00Z")
			.jsonPath("$.tags")
			.isEqualTo(List.of("home", "errand"))
			.jsonPath("$.completed")
			.isEqualTo(false)
			.jsonPath("$.completed_at")
			.isEmpty()
			.jsonPath("$.version")
			.isEqualTo(1)
			.jsonPath("$.id")
			.value((Integer id) -> assertThat(id).isNotEqualTo(999))
			.jsonPath("$.user_id")
			.value((String owner) -> assertThat(owner).startsWith("user-"))
			.returnResult()
			.getResponseHeaders()
			.getFirst(HttpHeaders.LOCATION);
		alice.get()
			.uri(location)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.title")
			.isEqualTo("Buy milk");
	}

	@Test
	void createWithOnlyATitleTakesTheDefaults() {
		as(newUser()).post()
			.uri("/api/tasks")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("title", "Call mum"))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody()
			.jsonPath("$.description")
			.isEmpty()
			.jsonPath("$.priority")
			.isEqualTo("medium")
			.jsonPath("$.due_date")
			.isEmpty()
			.jsonPath("$.tags")
			.isEmpty()
			.jsonPath("$.created_at")
			.value((String at) -> assertThat(at).endsWith("Z"));
	}

	@Test
	void putReplacesEveryWritableMemberAndCountsAVersion() {
		WebTestClient client = as(newUser());
		long id = create(client, """
				{"title": "Draft", "description": "x", "priority": "high", "tags": ["a"], "completed": true}""");
		client.put()
			.uri("/api/tasks/{id}", id)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("title", "Final"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.title")
			.isEqualTo("Final")
			.jsonPath("$.description")
			.isEmpty()
			.jsonPath("$.priority")
			.isEqualTo("medium")
			.jsonPath("$.tags")
			.isEmpty()
			.jsonPath("$.completed")
			.isEqualTo(false)
			.jsonPath("$.completed_at")
			.isEmpty()
			.jsonPath("$.version")
			.isEqualTo(2);
	}

	@Test
	void patchChangesOnlyTheNamedMembersAndNullClearsOne() {
		WebTestClient client = as(newUser());
		long id = create(client, """
				{"title": "Report", "description": "Q4", "priority": "low", "due_date": "2026-12-01T17:00:00Z"}""");
		client.patch()
			.uri("/api/tasks/{id}", id)
			.contentType(MediaType.valueOf("application/merge-patch+json"))
			.bodyValue("{\"description\": null, \"priority\": \"high\"}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.title")
			.isEqualTo("Report")
			.jsonPath("$.description")
			.isEmpty()
			.jsonPath("$.priority")
			.isEqualTo("high")
			.jsonPath("$.due_date")
			.isEqualTo("2026-12-01T17:00:00Z")
			.jsonPath("$.version")
			.isEqualTo(2);
		client.patch()
			.uri("/api/tasks/{id}", id)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"due_date\": null}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.due_date")
			.isEmpty()
			.jsonPath("$.version")
			.isEqualTo(3);
	}

	@Test
	void completeWithoutBodyFlipsAndWithBodySets() {
		WebTestClient client = as(newUser());
		long id = create(client, "{\"title\": \"Water plants\"}");
		client.patch()
			.uri("/api/tasks/{id}/complete", id)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.completed")
			.isEqualTo(true)
			.jsonPath("$.completed_at")
			.isNotEmpty();
		client.patch()
			.uri("/api/tasks/{id}/complete", id)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"completed\": true}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.completed")
			.isEqualTo(true)
			.jsonPath("$.version")
			.isEqualTo(3);
		client.patch()
			.uri("/api/tasks/{id}/complete", id)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.completed")
			.isEqualTo(false)
			.jsonPath("$.completed_at")
			.isEmpty();
	}

	@Test
	void completedAtKeepsItsFirstValueWhileTheTaskStaysCompleted() {
		WebTestClient client = as(newUser());
		long id = create(client, "{\"title\": \"Taxes\", \"completed\": true}");
		String first = completedAt(client, id);
		client.put()
			.uri("/api/tasks/{id}", id)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"Taxes 2026\", \"completed\": true}")
			.exchange()
			.expectStatus()
			.isOk();
		assertThat(completedAt(client, id)).isNotNull().isEqualTo(first);
	}

	@Test
	void deleteRemovesTheTaskOnce() {
		WebTestClient client = as(newUser());
		long id = create(client, "{\"title\": \"Old\"}");
		client.delete().uri("/api/tasks/{id}", id).exchange().expectStatus().isNoContent().expectBody().isEmpty();
		client.get().uri("/api/tasks/{id}", id).exchange().expectStatus().isNotFound();
		client.delete().uri("/api/tasks/{id}", id).exchange().expectStatus().isNotFound();
	}

	/**
	 * The kinds of token the API trusts: the shared secret and each key type of the JWKS.
	 */
	enum TokenKind {

		HS256, EDDSA, ES256, RS256;

		String sign(String user) {
			return switch (this) {
				case HS256 -> identityProvider.hs256(user);
				case EDDSA -> identityProvider.eddsa(user);
				case ES256 -> identityProvider.es256(user);
				case RS256 -> identityProvider.rs256(user);
			};
		}

	}

	static Stream<Arguments> pathFormsAndTokenKinds() {
		return Stream.of(PathForm.values())
			.flatMap((form) -> Stream.of(TokenKind.values()).map((kind) -> Arguments.of(form, kind)));
	}

	@ParameterizedTest(name = "{0} path, {1} token")
	@MethodSource("pathFormsAndTokenKinds")
	void everyRouteWorksInBothPathFormsWithEveryKindOfToken(PathForm form, TokenKind kind) {
		String user = newUser();
		String tasks = form.tasks(user);
		WebTestClient client = this.client.mutate()
			.defaultHeaders((headers) -> headers.setBearerAuth(kind.sign(user)))
			.build();
		String location = client.post()
			.uri(tasks)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"Walk every route\"}")
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody()
			.jsonPath("$.user_id")
			.isEqualTo(user)
			.returnResult()
			.getResponseHeaders()
			.getFirst(HttpHeaders.LOCATION);
		assertThat(location).startsWith(tasks + "/");
		client.get().uri(tasks).exchange().expectStatus().isOk().expectBody().jsonPath("$.length()").isEqualTo(1);
		client.get().uri(location).exchange().expectStatus().isOk();
		client.put()
			.uri(location)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"Replaced\"}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.title")
			.isEqualTo("Replaced");
		client.patch()
			.uri(location)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"priority\": \"low\"}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.priority")
			.isEqualTo("low");
		client.patch()
			.uri(location + "/complete")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.completed")
			.isEqualTo(true)
			.jsonPath("$.version")
			.isEqualTo(4);
		client.delete().uri(location).exchange().expectStatus().isNoContent();
		client.get().uri(location).exchange().expectStatus().isNotFound();
	}

	@Test
	void listFiltersByStatus() {
		WebTestClient client = as(newUser());
		create(client, "{\"title\": \"open\"}");
		create(client, "{\"title\": \"done\", \"completed\": true}");
		assertThat(titles(client, "/api/tasks?status=pending")).containsExactly("open");
		assertThat(titles(client, "/api/tasks?status=completed")).containsExactly("done");
		assertThat(titles(client, "/api/tasks?status=all")).containsExactly("done", "open");
	}

	@Test
	void listSortsByEveryFieldInBothDirectionsWithMissingDueDatesLast() {
		WebTestClient client = as(newUser());
		create(client, "{\"title\": \"b\", \"priority\": \"high\", \"due_date\": \"2026-12-02\"}");
		create(client, "{\"title\": \"C\", \"priority\": \"low\"}");
		create(client, "{\"title\": \"a\", \"priority\": \"medium\", \"due_date\": \"2026-12-01\"}");
		assertThat(titles(client, "/api/tasks")).containsExactly("a", "C", "b");
		assertThat(titles(client, "/api/tasks?sort=created_at")).containsExactly("b", "C", "a");
		assertThat(titles(client, "/api/tasks?sort=title")).containsExactly("a", "b", "C");
		assertThat(titles(client, "/api/tasks?sort=-title")).containsExactly("C", "b", "a");
		assertThat(titles(client, "/api/tasks?sort=priority")).containsExactly("C", "a", "b");
		assertThat(titles(client, "/api/tasks?sort=-priority")).containsExactly("b", "a", "C");
		assertThat(titles(client, "/api/tasks?sort=due_date")).containsExactly("a", "b", "C");
		assertThat(titles(client, "/api/tasks?sort=-due_date")).containsExactly("b", "a", "C");
		assertThat(titles(client, "/api/tasks?sort=-updated_at")).containsExactly("a", "C", "b");
	}

	@Test
	void followingNextLinksVisitsEveryTaskOnceWhileTasksComeAndGo() {
		WebTestClient client = as(newUser());
		List<Long> ids = new ArrayList<>();
		for (int i = 0; i < 7; i++) {
			ids.add(create(client, "{\"title\": \"task " + i + "\", \"due_date\": "
					+ ((i % 2 == 0) ? "null" : "\"2026-12-0" + i + "\"") + "}"));
		}
		for (String sort : List.of("-created_at", "due_date", "-due_date", "title", "-priority")) {
			List<Long> seen = new ArrayList<>();
			String next = "/api/tasks?limit=3&sort=" + sort;
			int pages = 0;
			while (next != null) {
				EntityExchangeResult<Task[]> page = client.get()
					.uri(next)
					.exchange()
					.expectStatus()
					.isOk()
					.expectBody(Task[].class)
					.returnResult();
				for (Task task : page.getResponseBody()) {
					seen.add(task.id());
				}
				assertThat(page.getResponseBody()).hasSizeLessThanOrEqualTo(3);
				next = nextLink(page.getResponseHeaders());
				pages++;
				if (pages == 1) {
					// A task the first page has passed, added and removed in between,
					// changes nothing
					long extra = create(client, "{\"title\": \"interloper\"}");
					client.delete().uri("/api/tasks/{id}", extra).exchange().expectStatus().isNoContent();
				}
			}
			assertThat(seen).as(sort).containsExactlyInAnyOrderElementsOf(ids);
			assertThat(pages).isEqualTo(3);
		}
	}

	@Test
	void headAnswersLikeGetWithoutABody() {
		WebTestClient client = as(newUser());
		long id = create(client, "{\"title\": \"Peek\"}");
		client.head()
			.uri("/api/tasks/{id}", id)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType(MediaType.APPLICATION_JSON)
			.expectBody()
			.isEmpty();
		client.head().uri("/api/tasks").exchange().expectStatus().isOk().expectBody().isEmpty();
		client.head().uri("/api/tasks/{id}", id + 1_000_000).exchange().expectStatus().isNotFound();
	}

	@Test
	void listIsOnePageWrittenWhole() {
		WebTestClient client = as(newUser());
		for (int i = 0; i < 3; i++) {
			create(client, "{\"title\": \"t" + i + "\"}");
		}
		// Read whole before it is written (see TaskListCancellationTests): one body of
		// known length
		client.get()
			.uri("/api/tasks?limit=200")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.exists(HttpHeaders.CONTENT_LENGTH)
			.expectBody()
			.jsonPath("$.length()")
			.isEqualTo(3);
	}

	@Test
	void lastPageHasNoNextLinkAndEmptyListIsAnEmptyArray() {
		WebTestClient client = as(newUser());
		client.get()
			.uri("/api/tasks")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.doesNotExist(HttpHeaders.LINK)
			.expectBody()
			.json("[]");
		create(client, "{\"title\": \"one\"}");
		create(client, "{\"title\": \"two\"}");
		client.get()
			.uri("/api/tasks?limit=2")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.doesNotExist(HttpHeaders.LINK)
			.expectBody()
			.jsonPath("$.length()")
			.isEqualTo(2);
	}

	@Test
	void offsetSkipsTasksForOldClients() {
		WebTestClient client = as(newUser());
		for (int i = 0; i < 4; i++) {
			create(client, "{\"title\": \"t" + i + "\"}");
		}
		assertThat(titles(client, "/api/tasks?sort=created_at&offset=1&limit=2")).containsExactly("t1", "t2");
		EntityExchangeResult<Task[]> page = client.get()
			.uri("/api/tasks?sort=created_at&offset=1&limit=2")
			.exchange()
			.expectBody(Task[].class)
			.returnResult();
		String next = nextLink(page.getResponseHeaders());
		assertThat(next).doesNotContain("offset=");
		assertThat(titles(client, next)).containsExactly("t3");
	}

	@Test
	void cursorOfAnotherUserOrQueryOrTamperedIsABadRequest() {
		WebTestClient alice = as(newUser());
		for (int i = 0; i < 3; i++) {
			create(alice, "{\"title\": \"t" + i + "\"}");
		}
		String next = nextLink(alice.get()
			.uri("/api/tasks?limit=1")
			.exchange()
			.expectBody(Task[].class)
			.returnResult()
			.getResponseHeaders());
		String cursor = next.substring(next.indexOf("cursor=") + 7);
		as(newUser()).get()
			.uri("/api/tasks?limit=1&cursor=" + cursor)
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.parameter")
			.isEqualTo("cursor");
		alice.get().uri("/api/tasks?limit=1&sort=title&cursor=" + cursor).exchange().expectStatus().isBadRequest();
		alice.get().uri("/api/tasks?limit=1&status=pending&cursor=" + cursor).exchange().expectStatus().isBadRequest();
		String tampered = cursor.substring(0, 5) + ((cursor.charAt(5) == 'A') ? 'B' : 'A') + cursor.substring(6);
		alice.get().uri("/api/tasks?limit=1&cursor=" + tampered).exchange().expectStatus().isBadRequest();
		alice.get().uri("/api/tasks?limit=1&cursor=" + cursor + "&offset=1").exchange().expectStatus().isBadRequest();
		alice.get().uri(next).exchange().expectStatus().isOk();
	}

	private static String completedAt(WebTestClient client, long id) {
		Task task = client.get()
			.uri("/api/tasks/{id}", id)
			.exchange()
			.expectBody(Task.class)
			.returnResult()
			.getResponseBody();
		return String.valueOf(task.completedAt());
	}

	static List<String> titles(WebTestClient client, String uri) {
		return List
			.of(client.get()
				.uri(uri)
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody(Task[].class)
				.returnResult()
				.getResponseBody())
			.stream()
			.map(Task::title)
			.toList();
	}

	static String nextLink(HttpHeaders headers) {
		String link = headers.getFirst(HttpHeaders.LINK);
		if (link == null) {
			return null;
		}
		assertThat(link).endsWith(">; rel=\"next\"");
		return link.substring(1, link.indexOf('>'));
	}

}
