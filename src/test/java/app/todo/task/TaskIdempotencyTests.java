package app.todo.task;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;

import app.todo.ApiTestSupport;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code Idempotency-Key} on create, end to end: a retry replays the first answer and
 * creates nothing, another body is a 422, keys are per user and last 24 hours, and racing
 * requests with one key create one task.
 */
class TaskIdempotencyTests extends ApiTestSupport {

	private static final String KEY = "Idempotency-Key";

	@Value("${local.server.port}")
	private int port;

	@Autowired
	private DatabaseClient db;

	@ParameterizedTest
	@EnumSource(PathForm.class)
	void retryWithTheSameKeyAndBodyReplaysTheFirstAnswerAndCreatesNothing(PathForm form) {
		String user = newUser();
		WebTestClient client = as(user);
		String key = UUID.randomUUID().toString();
		String body = "{\"title\": \"Buy milk\", \"tags\": [\"home\"]}";
		EntityExchangeResult<byte[]> first = create(client, form.tasks(user), key, body);
		assertThat(first.getResponseHeaders().getFirst("Idempotent-Replayed")).isNull();
		EntityExchangeResult<byte[]> retry = create(client, form.tasks(user), key, body);
		assertThat(retry.getResponseHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
		assertThat(retry.getResponseHeaders().getLocation()).isEqualTo(first.getResponseHeaders().getLocation());
		assertThat(retry.getResponseHeaders().getETag()).isEqualTo("\"1\"");
		assertThat(new String(retry.getResponseBodyContent())).isEqualTo(new String(first.getResponseBodyContent()));
		assertThat(TaskApiTests.titles(client, "/api/tasks")).containsExactly("Buy milk");
	}

	@Test
	void replayIsTheTaskAsFirstCreatedEvenAfterItChangedOrWasDeleted() {
		String user = newUser();
		WebTestClient client = as(user);
		String body = "{\"title\": \"Draft\"}";
		EntityExchangeResult<byte[]> first = create(client, "/api/tasks", "key-1", body);
		String location = first.getResponseHeaders().getLocation().toString();
		client.patch()
			.uri(location)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"Final\"}")
			.exchange()
			.expectStatus()
			.isOk();
		assertThat(new String(create(client, "/api/tasks", "key-1", body).getResponseBodyContent()))
			.isEqualTo(new String(first.getResponseBodyContent()));
		client.delete().uri(location).exchange().expectStatus().isNoContent();
		assertThat(create(client, "/api/tasks", "key-1", body).getResponseHeaders().getLocation().toString())
			.isEqualTo(location);
		assertThat(TaskApiTests.titles(client, "/api/tasks")).isEmpty();
	}

	@Test
	void theSameRequestWrittenDifferentlyIsStillTheSameRequest() {
		WebTestClient client = as(newUser());
		EntityExchangeResult<byte[]> first = create(client, "/api/tasks", "k",
				"{\"title\": \"Call\", \"priority\": \"high\", \"tags\": [\"a\"]}");
		EntityExchangeResult<byte[]> retry = create(client, "/api/tasks", "k",
				"{ \"tags\":[\"A\"],\"priority\":\"high\", \"title\":\"  Call \", \"id\": 7, \"colour\": \"red\" }");
		assertThat(new String(retry.getResponseBodyContent())).isEqualTo(new String(first.getResponseBodyContent()));
	}

	@Test
	void theSameKeyWithAnotherBodyIsUnprocessableAndCreatesNothing() {
		WebTestClient client = as(newUser());
		create(client, "/api/tasks", "k", "{\"title\": \"One\"}");
		client.post()
			.uri("/api/tasks")
			.header(KEY, "k")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"Two\"}")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.header")
			.isEqualTo(KEY)
			.jsonPath("$.detail")
			.value((String detail) -> assertThat(detail).contains(KEY));
		assertThat(TaskApiTests.titles(client, "/api/tasks")).containsExactly("One");
	}

	@Test
	void aRejectedBodyDoesNotUseUpTheKey() {
		WebTestClient client = as(newUser());
		client.post()
			.uri("/api/tasks")
			.header(KEY, "k")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"\"}")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT);
		create(client, "/api/tasks", "k", "{\"title\": \"Fixed\"}");
		assertThat(TaskApiTests.titles(client, "/api/tasks")).containsExactly("Fixed");
	}

	@Test
	void keysArePerUser() {
		WebTestClient alice = as(newUser());
		WebTestClient bob = as(newUser());
		String aliceLocation = create(alice, "/api/tasks", "shared", "{\"title\": \"Alice's\"}").getResponseHeaders()
			.getLocation()
			.toString();
		EntityExchangeResult<byte[]> bobs = create(bob, "/api/tasks", "shared", "{\"title\": \"Bob's\"}");
		assertThat(bobs.getResponseHeaders().getFirst("Idempotent-Replayed")).isNull();
		assertThat(bobs.getResponseHeaders().getLocation().toString()).isNotEqualTo(aliceLocation);
		assertThat(TaskApiTests.titles(alice, "/api/tasks")).containsExactly("Alice's");
		assertThat(TaskApiTests.titles(bob, "/api/tasks")).containsExactly("Bob's");
	}

	@Test
	void aKeyOlderThan24HoursIsForgottenEvenBeforeItIsPurged() {
		String user = newUser();
		WebTestClient client = as(user);
		String first = create(client, "/api/tasks", "old", "{\"title\": \"Yesterday\"}").getResponseHeaders()
			.getLocation()
			.toString();
		this.db.sql("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE user_id = :user")
			.bind("user", user)
			.fetch()
			.rowsUpdated()
			.block(Duration.ofSeconds(30));
		EntityExchangeResult<byte[]> again = create(client, "/api/tasks", "old", "{\"title\": \"Today\"}");
		assertThat(again.getResponseHeaders().getFirst("Idempotent-Replayed")).isNull();
		assertThat(again.getResponseHeaders().getLocation().toString()).isNotEqualTo(first);
		assertThat(TaskApiTests.titles(client, "/api/tasks")).containsExactlyInAnyOrder("Yesterday", "Today");
	}

	/**
	 * Racing requests with one key, in both path forms: one task, and every answer is its
	 * 201.
	 */
	@Test
	void parallelCreatesWithOneKeyCreateOneTaskAndAnswerAlike() {
		String user = newUser();
		WebClient web = WebClient.builder()
			.baseUrl("http://localhost:" + this.port)
			.defaultHeaders((headers) -> headers.setBearerAuth(identityProvider.hs256(user)))
			.build();
		int requests = 16;
		for (int round = 0; round < 3; round++) {
			String key = UUID.randomUUID().toString();
			String body = "{\"title\": \"Once, round " + round + "\"}";
			List<Map.Entry<String, String>> answers = Flux.range(0, requests)
				.flatMap((request) -> web.post()
					.uri(((request % 2) == 0) ? "/api/tasks" : "/api/" + user + "/tasks")
					.header(KEY, key)
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(body)
					.exchangeToMono((response) -> response.bodyToMono(String.class)
						.map((json) -> Map.entry(response.statusCode().value() + " "
								+ response.headers().asHttpHeaders().getFirst(HttpHeaders.LOCATION), json))),
						requests)
				.collectList()
				.block(Duration.ofSeconds(60));
			Set<String> statusesAndLocations = answers.stream().map(Map.Entry::getKey).collect(Collectors.toSet());
			assertThat(statusesAndLocations).hasSize(1);
			assertThat(statusesAndLocations.iterator().next()).startsWith("201 /api/");
			assertThat(answers.stream().map(Map.Entry::getValue).collect(Collectors.toSet())).hasSize(1);
		}
		assertThat(TaskApiTests.titles(as(user), "/api/tasks")).containsExactlyInAnyOrder("Once, round 0",
				"Once, round 1", "Once, round 2");
	}

	private static EntityExchangeResult<byte[]> create(WebTestClient client, String tasks, String key, String body) {
		return client.post()
			.uri(tasks)
			.header(KEY, key)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isCreated()
			.expectHeader()
			.valueMatches(HttpHeaders.LOCATION, ".*/tasks/\\d+")
			.expectHeader()
			.valueEquals(HttpHeaders.ETAG, "\"1\"")
			.expectBody()
			.returnResult();
	}

}
