package app.todo.task;

import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import app.todo.ApiTestSupport;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static app.todo.task.TaskRequests.create;
import static app.todo.task.TaskApiTests.nextLink;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The list's filters and text search end to end, in both path forms: what each finds, how
 * they combine with status, sort and paging, that a cursor is bound to all of them, and
 * that no query ever sees another user's tasks.
 */
class TaskQueryApiTests extends ApiTestSupport {

	@Value("${local.server.port}")
	private int port;

	/**
	 * Found by the hostile-requests test: PostgreSQL text cannot hold NUL, and the query
	 * was a 500.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "tag=a%00b", "tag=%00", "q=a%00", "q=%00x" })
	void listWhenAFilterHoldsTheNulCharacterThenBadRequestNamingIt(String query) {
		String user = newUser();
		as(user).get()
			.uri(URI.create("http://localhost:" + this.port + "/api/tasks?" + query))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.parameter")
			.isEqualTo(query.substring(0, query.indexOf('=')));
		as(user).post()
			.uri("/api/auth/sign-in")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"email\": \"a\\u0000@example.com\", \"password\": \"whatever it is\"}")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("email");
	}

	@ParameterizedTest
	@EnumSource(PathForm.class)
	void listFiltersByPriorityAsAnyOf(PathForm form) {
		String user = newUser();
		WebTestClient client = as(user);
		create(client, "{\"title\": \"low\", \"priority\": \"low\"}");
		create(client, "{\"title\": \"medium\"}");
		create(client, "{\"title\": \"high\", \"priority\": \"high\"}");
		String tasks = form.tasks(user);
		assertThat(titles(client, tasks + "?priority=high")).containsExactly("high");
		assertThat(titles(client, tasks + "?priority=high&priority=low&sort=title")).containsExactly("high", "low");
		assertThat(titles(client, tasks + "?priority=medium&priority=medium")).containsExactly("medium");
	}

	@ParameterizedTest
	@EnumSource(PathForm.class)
	void listFiltersByTagsAllOfThemWhateverTheirCase(PathForm form) {
		String user = newUser();
		WebTestClient client = as(user);
		create(client, "{\"title\": \"none\"}");
		create(client, "{\"title\": \"work\", \"tags\": [\"Work\"]}");
		create(client, "{\"title\": \"urgent work\", \"tags\": [\"urgent\", \"work\"]}");
		create(client, "{\"title\": \"urgent home\", \"tags\": [\"urgent\", \"home\"]}");
		String tasks = form.tasks(user);
		assertThat(titles(client, tasks + "?tag=work&sort=title")).containsExactly("urgent work", "work");
		assertThat(titles(client, tasks + "?tag=WORK&tag= urgent ")).containsExactly("urgent work");
		assertThat(titles(client, tasks + "?tag=work&tag=home")).isEmpty();
		assertThat(titles(client, tasks + "?tag=wor")).isEmpty();
	}

	@ParameterizedTest
	@EnumSource(PathForm.class)
	void listFiltersByAHalfOpenDueDateRange(PathForm form) {
		String user = newUser();
		WebTestClient client = as(user);
		create(client, "{\"title\": \"undated\"}");
		create(client, "{\"title\": \"first\", \"due_date\": \"2026-12-01\"}");
		create(client, "{\"title\": \"first evening\", \"due_date\": \"2026-12-01T18:00:00Z\"}");
		create(client, "{\"title\": \"second\", \"due_date\": \"2026-12-02\"}");
		String tasks = form.tasks(user) + "?sort=due_date";
		assertThat(titles(client, tasks + "&due_after=2026-12-01&due_before=2026-12-02")).containsExactly("first",
				"first evening");
		assertThat(titles(client, tasks + "&due_before=2026-12-01T18:00:00Z")).containsExactly("first");
		assertThat(titles(client, tasks + "&due_after={after}", "2026-12-01T19:00:00+02:00"))
			.containsExactly("first evening", "second");
		assertThat(titles(client, tasks + "&due_after=2026-12-03")).isEmpty();
	}

	@ParameterizedTest
	@EnumSource(PathForm.class)
	void listFiltersOverdueAsDueBeforeNowAndNotCompleted(PathForm form) {
		String user = newUser();
		WebTestClient client = as(user);
		Instant now = Instant.now();
		create(client, "{\"title\": \"late\", \"due_date\": \"" + now.minus(1, ChronoUnit.HOURS) + "\"}");
		create(client, "{\"title\": \"late but done\", \"completed\": true, \"due_date\": \""
				+ now.minus(1, ChronoUnit.DAYS) + "\"}");
		create(client, "{\"title\": \"soon\", \"due_date\": \"" + now.plus(1, ChronoUnit.DAYS) + "\"}");
		create(client, "{\"title\": \"undated\"}");
		String tasks = form.tasks(user) + "?sort=title";
		assertThat(titles(client, tasks + "&overdue=true")).containsExactly("late");
		assertThat(titles(client, tasks + "&overdue=false")).containsExactly("late but done", "soon", "undated");
		assertThat(titles(client, tasks + "&overdue=true&status=completed")).isEmpty();
	}

	@ParameterizedTest
	@EnumSource(PathForm.class)
	void searchFindsWordsAndTheirBeginningsWhateverCaseAndAccents(PathForm form) {
		String user = newUser();
		WebTestClient client = as(user);
		create(client, "{\"title\": \"Café au lait\"}");
		create(client, "{\"title\": \"Buy milk\", \"description\": \"For the cafe\"}");
		create(client, "{\"title\": \"Pay invoice\", \"description\": \"Crème brûlée supplier, March\"}");
		create(client, "{\"title\": \"Education\"}");
		String tasks = form.tasks(user) + "?sort=title&q={q}";
		assertThat(titles(client, tasks, "cafe")).containsExactly("Buy milk", "Café au lait");
		assertThat(titles(client, tasks, "CAFÉ")).containsExactly("Buy milk", "Café au lait");
		assertThat(titles(client, tasks, "creme BRULEE")).containsExactly("Pay invoice");
		assertThat(titles(client, tasks, " inv, march! ")).containsExactly("Pay invoice");
		assertThat(titles(client, tasks, "invoice april")).isEmpty();
		assertThat(titles(client, tasks, "cat")).as("words, not substrings").isEmpty();
		assertThat(titles(client, tasks, "'cafe' & !milk:*")).as("no tsquery syntax: both are words")
			.containsExactly("Buy milk");
		assertThat(titles(client, tasks, "O'Brien\\")).isEmpty();
	}

	@Test
	void searchWhenBlankThenNoSearch() {
		WebTestClient client = as(newUser());
		create(client, "{\"title\": \"anything\"}");
		assertThat(titles(client, "/api/tasks?q=")).containsExactly("anything");
		assertThat(titles(client, "/api/tasks?q=  ")).containsExactly("anything");
	}

	@Test
	void filtersCombineWithEachOtherStatusAndSearch() {
		WebTestClient client = as(newUser());
		create(client,
				"{\"title\": \"Invoice A\", \"priority\": \"high\", \"tags\": [\"work\"], \"due_date\": \"2026-12-03\"}");
		create(client,
				"{\"title\": \"Invoice B\", \"priority\": \"high\", \"tags\": [\"work\"], \"due_date\": \"2026-12-09\"}");
		create(client,
				"{\"title\": \"Invoice C\", \"priority\": \"low\", \"tags\": [\"work\"], \"due_date\": \"2026-12-03\"}");
		create(client,
				"{\"title\": \"Invoice D\", \"priority\": \"high\", \"tags\": [\"home\"], \"due_date\": \"2026-12-03\"}");
		create(client,
				"{\"title\": \"Invoice E\", \"priority\": \"high\", \"tags\": [\"work\"], \"due_date\": \"2026-12-04\", \"completed\": true}");
		create(client,
				"{\"title\": \"Receipt F\", \"priority\": \"high\", \"tags\": [\"work\"], \"due_date\": \"2026-12-03\"}");
		assertThat(titles(client,
				"/api/tasks?priority=high&tag=work&due_after=2026-12-01&due_before=2026-12-08&q=invoice&sort=title"))
			.containsExactly("Invoice A", "Invoice E");
		assertThat(titles(client,
				"/api/tasks?priority=high&tag=work&due_after=2026-12-01&due_before=2026-12-08&q=invoice&status=pending"))
			.containsExactly("Invoice A");
	}

	@Test
	void followingNextLinksWithFiltersVisitsEveryMatchOnceInEverySort() {
		WebTestClient client = as(newUser());
		List<Long> matches = new ArrayList<>();
		for (int i = 0; i < 9; i++) {
			String due = (i % 3 == 0) ? "null" : "\"2026-12-0" + (i + 1) + "\"";
			long id = create(client,
					"{\"title\": \"Report " + (char) ('a' + i) + "\", \"tags\": [\"work\"], \"priority\": \""
							+ ((i % 2 == 0) ? "high" : "medium") + "\", \"due_date\": " + due + "}");
			matches.add(id);
			create(client, "{\"title\": \"Report elsewhere " + i + "\", \"tags\": [\"home\"]}");
		}
		for (String sort : List.of("created_at", "-created_at", "updated_at", "-updated_at", "due_date", "-due_date",
				"priority", "-priority", "title", "-title")) {
			List<Long> seen = new ArrayList<>();
			String next = "/api/tasks?limit=2&tag=work&q=report&priority=high&priority=medium&sort=" + sort;
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
				next = nextLink(page.getResponseHeaders());
			}
			assertThat(seen).as(sort).containsExactlyInAnyOrderElementsOf(matches).doesNotHaveDuplicates();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "tag=home", "tag=work&tag=urgent", "priority=low", "q=reports", "due_before=2026-12-05",
			"due_after=2026-12-01", "overdue=false", "priority=high&priority=low" })
	void cursorWhenFiltersChangeThenBadRequest(String change) {
		WebTestClient client = as(newUser());
		for (int i = 0; i < 3; i++) {
			create(client, "{\"title\": \"Report " + i + "\", \"tags\": [\"work\"], \"priority\": \"high\"}");
		}
		String next = nextLink(client.get()
			.uri("/api/tasks?limit=1&tag=work&priority=high&q=report")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Task[].class)
			.returnResult()
			.getResponseHeaders());
		String cursor = next.substring(next.indexOf("cursor=") + 7);
		String base = "limit=1&tag=work&priority=high&q=report";
		String name = change.substring(0, change.indexOf('='));
		String changed = (name.equals("due_before") || name.equals("due_after") || name.equals("overdue"))
				? base + "&" + change : base.replaceAll("&" + name + "=[^&]*", "") + "&" + change;
		client.get()
			.uri("/api/tasks?" + changed + "&cursor=" + cursor)
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.parameter")
			.isEqualTo("cursor");
		client.get().uri("/api/tasks?limit=1&cursor=" + cursor).exchange().expectStatus().isBadRequest();
		// The same filters in another order are the same query
		client.get()
			.uri("/api/tasks?limit=1&q=report&priority=high&tag=WORK&cursor=" + cursor)
			.exchange()
			.expectStatus()
			.isOk();
	}

	@Test
	void filtersAndSearchNeverSeeAnotherUsersTasks() {
		String alice = newUser();
		String bob = newUser();
		String task = "{\"title\": \"Shared words café\", \"priority\": \"high\", \"tags\": [\"work\"], \"due_date\": \"2020-01-01\"}";
		create(as(alice), task);
		long bobs = create(as(bob), task);
		for (String query : List.of("q=cafe", "tag=work", "priority=high", "overdue=true", "due_before=2021-01-01",
				"due_after=2019-01-01", "q=shared&tag=work&priority=high&overdue=true")) {
			List<Task> seen = List.of(as(bob).get()
				.uri("/api/tasks?" + query)
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody(Task[].class)
				.returnResult()
				.getResponseBody());
			assertThat(seen).as(query).extracting(Task::id).containsExactly(bobs);
		}
	}

	private static List<String> titles(WebTestClient client, String uri, Object... variables) {
		return List
			.of(client.get()
				.uri(uri, variables)
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

}
