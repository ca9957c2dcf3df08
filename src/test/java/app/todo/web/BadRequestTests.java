package app.todo.web;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import app.todo.ApiTestSupport;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.test.web.reactive.server.WebTestClient.RequestBodySpec;
import org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec;
import org.springframework.web.util.UriUtils;

import static app.todo.task.TaskRequests.create;
import static app.todo.task.TaskRequests.list;
import static app.todo.task.TaskRequests.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every row of the contract's "Bad requests" table but the 401s, end to end through the
 * security chain: the status, an RFC 9457 problem with all its members, in both path
 * forms, and that a rejected request changes nothing.
 */
class BadRequestTests extends ApiTestSupport {

	private static final MediaType MERGE_PATCH = MediaType.valueOf("application/merge-patch+json");

	private static final JsonMapper json = JsonMapper.builder().build();

	@Value("${local.server.port}")
	private int port;

	private static final String ORIGINAL = """
			{"title": "Original", "description": "As created", "priority": "high",
			 "due_date": "2026-12-01T17:00:00Z", "tags": ["home"]}""";

	/** Every task route, with a body that would succeed where it takes one. */
	enum Call {

		LIST(HttpMethod.GET, "", null, null),
		CREATE(HttpMethod.POST, "", MediaType.APPLICATION_JSON, "{\"title\": \"Sneaky\"}"),
		GET_ONE(HttpMethod.GET, "/{id}", null, null),
		REPLACE(HttpMethod.PUT, "/{id}", MediaType.APPLICATION_JSON, "{\"title\": \"Sneaky\"}"),
		PATCH(HttpMethod.PATCH, "/{id}", MERGE_PATCH, "{\"title\": \"Sneaky\"}"),
		COMPLETE(HttpMethod.PATCH, "/{id}/complete", null, null),
		COMPLETE_WITH_BODY(HttpMethod.PATCH, "/{id}/complete", MediaType.APPLICATION_JSON, "{\"completed\": true}"),
		DELETE(HttpMethod.DELETE, "/{id}", null, null);

		final HttpMethod method;

		final String path;

		final @Nullable MediaType contentType;

		final @Nullable String body;

		Call(HttpMethod method, String path, @Nullable MediaType contentType, @Nullable String body) {
			this.method = method;
			this.path = path;
			this.contentType = contentType;
			this.body = body;
		}

		String uri(String tasks, Object id) {
			return tasks + this.path.replace("{id}", String.valueOf(id));
		}

		ResponseSpec send(WebTestClient client, String tasks, Object id) {
			return BadRequestTests.send(client, this.method, uri(tasks, id), this.contentType, this.body);
		}

	}

	// 403: a user in the path that is not the caller

	@ParameterizedTest
	@EnumSource(Call.class)
	void anyRouteWhenPathUserIsNotTheCallerThenForbiddenAndNothingChanges(Call call) {
		String alice = newUser();
		WebTestClient client = as(alice);
		long id = create(client, ORIGINAL);
		Map<String, Object> original = read(client, id);
		String bobsPath = PathForm.USER.tasks(newUser());
		String uri = call.uri(bobsPath, id);
		Map<String, Object> problem = expectProblem(call.send(client, bobsPath, id), HttpStatus.FORBIDDEN, uri);
		assertThat(problem.get("detail")).isEqualTo("The user in the path is not the signed-in user.");
		assertThat(read(client, id)).isEqualTo(original);
		assertThat(list(client, "/api/tasks")).hasSize(1);
	}

	@Test
	void postWhenPathUserIsNotTheCallerThenForbiddenBeforeAnyDatabaseWork() {
		String alice = newUser();
		String bob = newUser();
		WebTestClient client = as(alice);
		expectProblem(send(client, HttpMethod.POST, "/api/" + bob + "/tasks", MediaType.APPLICATION_JSON,
				"{\"title\": \"Sneaky\"}"), HttpStatus.FORBIDDEN, "/api/" + bob + "/tasks");
		// Not even the body is looked at: an invalid one, or another media type, is still
		// a 403
		expectProblem(send(client, HttpMethod.POST, "/api/" + bob + "/tasks", MediaType.APPLICATION_JSON,
				"{\"title\": \"\"}"), HttpStatus.FORBIDDEN, "/api/" + bob + "/tasks");
		expectProblem(send(client, HttpMethod.POST, "/api/" + bob + "/tasks", MediaType.TEXT_PLAIN, "x"),
				HttpStatus.FORBIDDEN, "/api/" + bob + "/tasks");
		assertThat(list(client, "/api/tasks")).isEmpty();
		assertThat(list(client, "/api/" + alice + "/tasks")).isEmpty();
		assertThat(list(as(bob), "/api/tasks")).isEmpty();
	}

	@ParameterizedTest
	@EnumSource(value = Call.class, names = { "GET_ONE", "REPLACE", "PATCH", "COMPLETE", "DELETE" })
	void taskRouteWhenPathUserIsNotTheCallerThenForbiddenEvenForAnIdThatNamesNoTask(Call call) {
		WebTestClient client = as(newUser());
		String bobsPath = PathForm.USER.tasks(newUser());
		expectProblem(call.send(client, bobsPath, "abc"), HttpStatus.FORBIDDEN, call.uri(bobsPath, "abc"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "upper", "suffix", "prefix", "space" })
	void listWhenPathUserOnlyResemblesTheCallerThenForbidden(String resemblance) {
		String user = newUser();
		String pathUser = switch (resemblance) {
			case "upper" -> user.toUpperCase(Locale.ROOT);
			case "suffix" -> user + "x";
			case "prefix" -> "x" + user;
			default -> user + " ";
		};
		expectProblem(as(user).get().uri("/api/{user}/tasks", pathUser).exchange(), HttpStatus.FORBIDDEN,
				"/api/" + UriUtils.encodePathSegment(pathUser, StandardCharsets.UTF_8) + "/tasks");
	}

	@Test
	void userPathWhenSubjectNeedsEncodingThenItIsStillTheCaller() {
		String user = "github|" + newUser() + " @example";
		WebTestClient client = as(user);
		EntityExchangeResult<byte[]> created = client.post()
			.uri("/api/{user}/tasks", user)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"Encoded\"}")
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody()
			.jsonPath("$.user_id")
			.isEqualTo(user)
			.returnResult();
		String location = created.getResponseHeaders().getLocation().toString();
		client.get()
			.uri("/api/{user}/tasks", user)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.length()")
			.isEqualTo(1);
		assertThat(location).matches(Pattern.quote(created.getUrl().getRawPath()) + "/\\d+");
		// Already encoded: sent as it is
		client.get()
			.uri(URI.create("http://localhost:" + this.port + location))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.title")
			.isEqualTo("Encoded");
	}

	// 404: ids that are not positive 64-bit integers, unknown ids, unknown routes

	static Stream<Arguments> idsThatNameNoTask() {
		List<Arguments> arguments = new ArrayList<>();
		for (PathForm form : PathForm.values()) {
			for (Call call : List.of(Call.GET_ONE, Call.REPLACE, Call.PATCH, Call.COMPLETE, Call.COMPLETE_WITH_BODY,
					Call.DELETE)) {
				for (String id : List.of("0", "-1", "abc", "1.5", "9223372036854775808", "9223372036854775807",
						"99999999999")) {
					arguments.add(arguments(form, call, id));
				}
			}
		}
		return arguments.stream();
	}

	@ParameterizedTest(name = "{0} {1} {2}")
	@MethodSource("idsThatNameNoTask")
	void taskRouteWhenIdNamesNoTaskThenNotFound(PathForm form, Call call, String id) {
		String user = newUser();
		WebTestClient client = as(user);
		long existing = create(client, ORIGINAL);
		Map<String, Object> original = read(client, existing);
		String tasks = form.tasks(user);
		Map<String, Object> problem = expectProblem(call.send(client, tasks, id), HttpStatus.NOT_FOUND,
				call.uri(tasks, id));
		assertThat(problem.get("detail")).isEqualTo("No such task.");
		assertThat(read(client, existing)).isEqualTo(original);
	}

	@Test
	void unknownRouteUnderApiWithATokenThenNotFoundProblem() {
		WebTestClient client = as(newUser());
		expectProblem(client.get().uri("/api/nothing").exchange(), HttpStatus.NOT_FOUND, "/api/nothing");
		expectProblem(client.get().uri("/api/tasks/1/complete/again").exchange(), HttpStatus.NOT_FOUND,
				"/api/tasks/1/complete/again");
		expectProblem(send(client, HttpMethod.POST, "/api/nothing", MediaType.APPLICATION_JSON, "{}"),
				HttpStatus.NOT_FOUND, "/api/nothing");
	}

	@Test
	void unknownRouteOutsideApiThenNotFoundProblem() {
		expectProblem(this.client.get().uri("/nothing").exchange(), HttpStatus.NOT_FOUND, "/nothing");
		expectProblem(as(newUser()).get().uri("/nothing").exchange(), HttpStatus.NOT_FOUND, "/nothing");
	}

	/**
	 * Paths that Spring Security's firewall turns away before any route (an encoded
	 * percent sign or slash, a semicolon) are still answered with a problem, never a bare
	 * status.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "/api/tasks/1%25", "/api/tasks/1%2F2", "/api/tasks/1;a=b", "/api/tasks/%2e%2e" })
	void taskRouteWhenPathIsRejectedByTheFirewallThenStillAProblem(String path) {
		URI uri = URI.create("http://localhost:" + this.port + path);
		EntityExchangeResult<byte[]> result = as(newUser()).get().uri(uri).exchange().expectBody().returnResult();
		assertThat(result.getStatus().value()).as(path).isIn(400, 404);
		expectProblem(as(newUser()).get().uri(uri).exchange(), HttpStatus.valueOf(result.getStatus().value()), path);
	}

	// 400: a body that is not a JSON object

	static Stream<Arguments> bodiesThatAreNotAJsonObject() {
		List<Arguments> arguments = new ArrayList<>();
		for (PathForm form : PathForm.values()) {
			for (HttpMethod method : List.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH)) {
				for (String body : List.of("{bad", "{\"title\": \"x\"", "\"a string\"", "[1,2]", "null", "42", "",
						"{\"title\": \"x\"} {\"title\": \"y\"}")) {
					arguments.add(arguments(form, method, body));
				}
			}
		}
		return arguments.stream();
	}

	@ParameterizedTest(name = "{0} {1} [{2}]")
	@MethodSource("bodiesThatAreNotAJsonObject")
	void writeWhenBodyIsNotAJsonObjectThenBadRequestAndNothingChanges(PathForm form, HttpMethod method, String body) {
		String user = newUser();
		WebTestClient client = as(user);
		long id = create(client, ORIGINAL);
		Map<String, Object> original = read(client, id);
		String uri = (method == HttpMethod.POST) ? form.tasks(user) : form.tasks(user) + "/" + id;
		expectProblem(send(client, method, uri, MediaType.APPLICATION_JSON, body), HttpStatus.BAD_REQUEST, uri);
		assertThat(read(client, id)).isEqualTo(original);
		assertThat(list(client, "/api/tasks")).hasSize(1);
	}

	@ParameterizedTest
	@EnumSource(PathForm.class)
	void writeWhenBodyIsAbsentThenBadRequest(PathForm form) {
		String user = newUser();
		WebTestClient client = as(user);
		long id = create(client, ORIGINAL);
		Map<String, Object> original = read(client, id);
		String tasks = form.tasks(user);
		expectProblem(send(client, HttpMethod.POST, tasks, MediaType.APPLICATION_JSON, null), HttpStatus.BAD_REQUEST,
				tasks);
		expectProblem(send(client, HttpMethod.PUT, tasks + "/" + id, MediaType.APPLICATION_JSON, null),
				HttpStatus.BAD_REQUEST, tasks + "/" + id);
		expectProblem(send(client, HttpMethod.PATCH, tasks + "/" + id, MERGE_PATCH, null), HttpStatus.BAD_REQUEST,
				tasks + "/" + id);
		assertThat(read(client, id)).isEqualTo(original);
		assertThat(list(client, "/api/tasks")).hasSize(1);
	}

	@ParameterizedTest
	@EnumSource(PathForm.class)
	void writeWhenBodyIsNotUtf8ThenBadRequest(PathForm form) {
		String user = newUser();
		WebTestClient client = as(user);
		String tasks = form.tasks(user);
		byte[] body = { '{', '"', 't', 'i', 't', 'l', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}' };
		expectProblem(client.post().uri(tasks).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange(),
				HttpStatus.BAD_REQUEST, tasks);
		assertThat(list(client, "/api/tasks")).isEmpty();
	}

	@ParameterizedTest
	@EnumSource(PathForm.class)
	void writeWhenBodyIsNestedVeryDeeplyOrHasAHugeNumberThenBadRequestNotAServerError(PathForm form) {
		String user = newUser();
		WebTestClient client = as(user);
		String tasks = form.tasks(user);
		String nested = "{\"title\": \"x\", \"description\": " + "[".repeat(20_000) + "]".repeat(20_000) + "}";
		expectProblem(send(client, HttpMethod.POST, tasks, MediaType.APPLICATION_JSON, nested), HttpStatus.BAD_REQUEST,
				tasks);
		String huge = "{\"title\": \"x\", \"priority\": " + "9".repeat(5_000) + "}";
		expectProblem(send(client, HttpMethod.POST, tasks, MediaType.APPLICATION_JSON, huge), HttpStatus.BAD_REQUEST,
				tasks);
		assertThat(list(client, "/api/tasks")).isEmpty();
	}

	/**
	 * The contract: "with no body, flips"; a JSON content type on an empty body is still
	 * no body.
	 */
	@ParameterizedTest
	@EnumSource(PathForm.class)
	void completeWhenJsonContentTypeButNoBodyThenFlips(PathForm form) {
		String user = newUser();
		WebTestClient client = as(user);
		long id = create(client, ORIGINAL);
		send(client, HttpMethod.PATCH, form.tasks(user) + "/" + id + "/complete", MediaType.APPLICATION_JSON, null)
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.completed")
			.isEqualTo(true)
			.jsonPath("$.version")
			.isEqualTo(2);
	}

	// 422: members that break a rule

	private static final String TITLE_201 = "t".repeat(201);

	private static final String TAGS_21 = IntStream.rangeClosed(1, 21)
		.mapToObj((i) -> "\"tag" + i + "\"")
		.collect(Collectors.joining(", ", "[", "]"));

	/**
	 * Body, the fields it breaks, and whether a merge patch breaks them too (not so for a
	 * missing title).
	 */
	static Stream<Arguments> invalidMembers() {
		List<Object[]> cases = List.of(new Object[] { "{\"title\": \"\"}", List.of("title"), true },
				new Object[] { "{\"title\": \" \\t\\n \"}", List.of("title"), true },
				new Object[] { "{\"description\": \"no title\"}", List.of("title"), false },
				new Object[] { "{\"title\": null}", List.of("title"), true },
				new Object[] { "{\"title\": \"" + TITLE_201 + "\"}", List.of("title"), true },
				new Object[] { "{\"title\": \"  " + TITLE_201 + "  \"}", List.of("title"), true },
				new Object[] { "{\"title\": 42}", List.of("title"), true },
				new Object[] { "{\"title\": [\"a\"]}", List.of("title"), true },
				new Object[] { "{\"title\": {\"text\": \"a\"}}", List.of("title"), true },
				new Object[] { "{\"title\": \"ok\", \"description\": \"" + "d".repeat(1001) + "\"}",
						List.of("description"), true },
				new Object[] { "{\"title\": \"ok\", \"description\": 5}", List.of("description"), true },
				new Object[] { "{\"title\": \"ok\", \"priority\": \"urgent\"}", List.of("priority"), true },
				new Object[] { "{\"title\": \"ok\", \"priority\": 2}", List.of("priority"), true },
				new Object[] { "{\"title\": \"ok\", \"tags\": " + TAGS_21 + "}", List.of("tags"), true },
				new Object[] { "{\"title\": \"ok\", \"tags\": [\"" + "g".repeat(51) + "\"]}", List.of("tags"), true },
				new Object[] { "{\"title\": \"ok\", \"tags\": [\"\"]}", List.of("tags"), true },
				new Object[] { "{\"title\": \"ok\", \"tags\": \"home\"}", List.of("tags"), true },
				new Object[] { "{\"title\": \"ok\", \"tags\": [1]}", List.of("tags"), true },
				new Object[] { "{\"title\": \"ok\", \"due_date\": \"tomorrow\"}", List.of("due_date"), true },
				new Object[] { "{\"title\": \"ok\", \"due_date\": \"2026-13-01\"}", List.of("due_date"), true },
				new Object[] { "{\"title\": \"ok\", \"due_date\": 20261201}", List.of("due_date"), true },
				new Object[] { "{\"title\": \"ok\", \"completed\": \"yes\"}", List.of("completed"), true },
				new Object[] { "{\"title\": \"a\\u0000b\"}", List.of("title"), true },
				new Object[] { "{\"title\": \"ok\", \"description\": \"a\\u0000b\"}", List.of("description"), true },
				new Object[] { "{\"title\": \"ok\", \"tags\": [\"a\\u0000b\"]}", List.of("tags"), true },
				new Object[] { """
						{"title": " ", "description": 5, "completed": "yes", "priority": "urgent",
						 "due_date": "tomorrow", "tags": "home"}""",
						List.of("title", "description", "completed", "priority", "due_date", "tags"), true },
				new Object[] { "{\"priority\": \"urgent\", \"tags\": [\"\"]}", List.of("title", "priority", "tags"),
						false });
		List<Arguments> arguments = new ArrayList<>();
		for (PathForm form : PathForm.values()) {
			for (HttpMethod method : List.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH)) {
				for (Object[] invalid : cases) {
					if (method != HttpMethod.PATCH || (boolean) invalid[2]) {
						arguments.add(arguments(form, method, invalid[0], invalid[1]));
					}
				}
			}
		}
		return arguments.stream();
	}

	@ParameterizedTest(name = "{0} {1} {2} -> {3}")
	@MethodSource("invalidMembers")
	void writeWhenMembersBreakARuleThenUnprocessableNamingEachAndNothingChanges(PathForm form, HttpMethod method,
			String body, List<String> fields) {
		String user = newUser();
		WebTestClient client = as(user);
		long id = create(client, ORIGINAL);
		Map<String, Object> original = read(client, id);
		String uri = (method == HttpMethod.POST) ? form.tasks(user) : form.tasks(user) + "/" + id;
		MediaType type = (method == HttpMethod.PATCH) ? MERGE_PATCH : MediaType.APPLICATION_JSON;
		Map<String, Object> problem = expectProblem(send(client, method, uri, type, body),
				HttpStatus.UNPROCESSABLE_CONTENT, uri);
		assertErrors(problem, fields);
		assertThat(read(client, id)).isEqualTo(original);
		assertThat(list(client, "/api/tasks")).hasSize(1);
	}

	@ParameterizedTest
	@EnumSource(PathForm.class)
	void completeWhenCompletedIsNotABooleanThenUnprocessableAndNothingChanges(PathForm form) {
		String user = newUser();
		WebTestClient client = as(user);
		long id = create(client, ORIGINAL);
		Map<String, Object> original = read(client, id);
		String uri = form.tasks(user) + "/" + id + "/complete";
		for (String body : List.of("{\"completed\": \"yes\"}", "{\"completed\": 1}", "{\"completed\": null}")) {
			assertErrors(expectProblem(send(client, HttpMethod.PATCH, uri, MediaType.APPLICATION_JSON, body),
					HttpStatus.UNPROCESSABLE_CONTENT, uri), List.of("completed"));
		}
		assertThat(read(client, id)).isEqualTo(original);
	}

	@ParameterizedTest
	@EnumSource(PathForm.class)
	void writeWhenMembersAreAtTheirLimitsThenAccepted(PathForm form) {
		String user = newUser();
		WebTestClient client = as(user);
		String tasks = form.tasks(user);
		String title200 = "t".repeat(200);
		String tags20 = IntStream.rangeClosed(1, 20)
			.mapToObj((i) -> "\"tag" + i + "\", \"TAG" + i + "\"")
			.collect(Collectors.joining(", ", "[", "]"));
		String body = "{\"title\": \"  " + title200 + "  \", \"description\": \"" + "d".repeat(1000) + "\", \"tags\": "
				+ tags20 + "}";
		Map<String, Object> created = json
			.readValue(send(client, HttpMethod.POST, tasks, MediaType.APPLICATION_JSON, body).expectStatus()
				.isCreated()
				.expectBody(String.class)
				.returnResult()
				.getResponseBody(), new TypeReference<Map<String, Object>>() {
				});
		assertThat(created.get("title")).isEqualTo(title200);
		assertThat((List<?>) created.get("tags")).hasSize(20);
		long id = ((Number) created.get("id")).longValue();
		send(client, HttpMethod.PUT, tasks + "/" + id, MediaType.APPLICATION_JSON,
				"{\"title\": \"" + title200 + "\", \"tags\": [\"" + "g".repeat(50) + "\"]}")
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.title")
			.isEqualTo(title200);
		// Characters, not UTF-16 units: 200 emoji are 400 chars in Java but 200
		// characters
		String emoji200 = "\uD83D\uDE00".repeat(200);
		send(client, HttpMethod.PATCH, tasks + "/" + id, MERGE_PATCH, "{\"title\": \"" + emoji200 + "\"}")
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.title")
			.isEqualTo(emoji200);
	}

	// 413: a body over 64 KiB

	private static String bodyOfSize(int bytes) {
		String start = "{\"title\": \"Big\", \"description\": null";
		return start + " ".repeat(bytes - start.length() - 1) + "}";
	}

	@ParameterizedTest
	@EnumSource(PathForm.class)
	void postWhenBodyIsOver64KiBWithContentLengthThenContentTooLarge(PathForm form) {
		String user = newUser();
		WebTestClient client = as(user);
		String tasks = form.tasks(user);
		String body = "{\"title\": \"x\", \"description\": \"" + "d".repeat(70_000) + "\"}";
		EntityExchangeResult<byte[]> result = expectProblemResult(
				send(client, HttpMethod.POST, tasks, MediaType.APPLICATION_JSON, body), HttpStatus.CONTENT_TOO_LARGE,
				tasks);
		assertThat(result.getRequestHeaders().getContentLength()).isGreaterThan(65_536);
		expectProblem(send(client, HttpMethod.POST, tasks, MediaType.APPLICATION_JSON, bodyOfSize(65_537)),
				HttpStatus.CONTENT_TOO_LARGE, tasks);
		assertThat(list(client, "/api/tasks")).isEmpty();
	}

	@ParameterizedTest
	@EnumSource(PathForm.class)
	void postWhenChunkedBodyIsOver64KiBThenContentTooLarge(PathForm form) {
		String user = newUser();
		WebTestClient client = as(user);
		String tasks = form.tasks(user);
		byte[] chunk = " ".repeat(8 * 1024).getBytes(StandardCharsets.UTF_8);
		Flux<DataBuffer> body = Flux.concat(
				Flux.just(DefaultDataBufferFactory.sharedInstance
					.wrap("{\"title\": \"x\"".getBytes(StandardCharsets.UTF_8))),
				Flux.range(0, 10).map((i) -> DefaultDataBufferFactory.sharedInstance.wrap(chunk)),
				Flux.just(DefaultDataBufferFactory.sharedInstance.wrap("}".getBytes(StandardCharsets.UTF_8))));
		EntityExchangeResult<byte[]> result = expectProblemResult(client.post()
			.uri(tasks)
			.contentType(MediaType.APPLICATION_JSON)
			.body(body, DataBuffer.class)
			.exchange(), HttpStatus.CONTENT_TOO_LARGE, tasks);
		assertThat(result.getRequestHeaders().getContentLength()).isEqualTo(-1);
		assertThat(list(client, "/api/tasks")).isEmpty();
	}

	@Test
	void writeWhenBodyIsOver64KiBThenContentTooLargeForPutAndPatchToo() {
		WebTestClient client = as(newUser());
		long id = create(client, ORIGINAL);
		Map<String, Object> original = read(client, id);
		expectProblem(send(client, HttpMethod.PUT, "/api/tasks/" + id, MediaType.APPLICATION_JSON, bodyOfSize(65_537)),
				HttpStatus.CONTENT_TOO_LARGE, "/api/tasks/" + id);
		expectProblem(send(client, HttpMethod.PATCH, "/api/tasks/" + id, MERGE_PATCH, bodyOfSize(65_537)),
				HttpStatus.CONTENT_TOO_LARGE, "/api/tasks/" + id);
		assertThat(read(client, id)).isEqualTo(original);
	}

	@Test
	void postWhenBodyIsExactly64KiBThenCreated() {
		WebTestClient client = as(newUser());
		String body = bodyOfSize(65_536);
		assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(65_536);
		send(client, HttpMethod.POST, "/api/tasks", MediaType.APPLICATION_JSON, body).expectStatus().isCreated();
	}

	// 415: a content type other than JSON on a write

	@ParameterizedTest
	@EnumSource(PathForm.class)
	void writeWhenContentTypeIsNotJsonThenUnsupportedMediaTypeAndNothingChanges(PathForm form) {
		String user = newUser();
		WebTestClient client = as(user);
		long id = create(client, ORIGINAL);
		Map<String, Object> original = read(client, id);
		String tasks = form.tasks(user);
		String body = "{\"title\": \"Changed\"}";
		expectProblem(send(client, HttpMethod.POST, tasks, MediaType.TEXT_PLAIN, body),
				HttpStatus.UNSUPPORTED_MEDIA_TYPE, tasks);
		expectProblem(send(client, HttpMethod.PUT, tasks + "/" + id, MediaType.TEXT_PLAIN, body),
				HttpStatus.UNSUPPORTED_MEDIA_TYPE, tasks + "/" + id);
		expectProblem(send(client, HttpMethod.PATCH, tasks + "/" + id, MediaType.TEXT_PLAIN, body),
				HttpStatus.UNSUPPORTED_MEDIA_TYPE, tasks + "/" + id);
		expectProblem(send(client, HttpMethod.PATCH, tasks + "/" + id + "/complete", MediaType.TEXT_PLAIN,
				"{\"completed\": true}"), HttpStatus.UNSUPPORTED_MEDIA_TYPE, tasks + "/" + id + "/complete");
		expectProblem(send(client, HttpMethod.POST, tasks, MediaType.APPLICATION_FORM_URLENCODED, "title=Changed"),
				HttpStatus.UNSUPPORTED_MEDIA_TYPE, tasks);
		expectProblem(send(client, HttpMethod.POST, tasks, MediaType.APPLICATION_XML, "<title>Changed</title>"),
				HttpStatus.UNSUPPORTED_MEDIA_TYPE, tasks);
		assertThat(read(client, id)).isEqualTo(original);
		assertThat(list(client, "/api/tasks")).hasSize(1);
	}

	/**
	 * Content types that do not parse, or name a charset Java does not know: once a 500.
	 */
	static Stream<Arguments> malformedContentTypes() {
		List<Arguments> arguments = new ArrayList<>();
		for (PathForm form : PathForm.values()) {
			for (String contentType : List.of("json", "application/json, text/plain",
					"application/json; charset=x-klingon", "application/json; charset=", "/", "text/",
					"application/json; charset=\"utf-8", "application/;", "application/json; =utf-8", "a/b/c")) {
				arguments.add(arguments(form, contentType));
			}
		}
		return arguments.stream();
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("malformedContentTypes")
	void writeWhenContentTypeIsMalformedThenUnsupportedMediaTypeAndNothingChanges(PathForm form, String contentType) {
		String user = newUser();
		WebTestClient client = as(user);
		long id = create(client, ORIGINAL);
		Map<String, Object> original = read(client, id);
		String tasks = form.tasks(user);
		for (HttpMethod method : List.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH)) {
			String uri = (method == HttpMethod.POST) ? tasks : tasks + "/" + id;
			expectProblem(sendRaw(client, method, uri, contentType, "{\"title\": \"Changed\"}"),
					HttpStatus.UNSUPPORTED_MEDIA_TYPE, uri);
		}
		String complete = tasks + "/" + id + "/complete";
		expectProblem(sendRaw(client, HttpMethod.PATCH, complete, contentType, "{\"completed\": true}"),
				HttpStatus.UNSUPPORTED_MEDIA_TYPE, complete);
		expectProblem(sendRaw(client, HttpMethod.POST, tasks + "/complete", contentType, "{\"ids\": [" + id + "]}"),
				HttpStatus.UNSUPPORTED_MEDIA_TYPE, tasks + "/complete");
		for (String account : List.of("/api/auth/sign-up", "/api/auth/sign-in")) {
			expectProblem(
					sendRaw(this.client, HttpMethod.POST, account, contentType,
							"{\"email\": \"" + user
									+ "@example.com\", \"password\": \"long enough\", \"name\": \"X\"}"),
					HttpStatus.UNSUPPORTED_MEDIA_TYPE, account);
		}
		assertThat(read(client, id)).isEqualTo(original);
		assertThat(list(client, "/api/tasks")).hasSize(1);
	}

	/**
	 * Found by the hostile-requests test: a problem found before the body was read (no
	 * token, a foreign path, a wrong method, no such route) was answered while the client
	 * was still sending, and the close that followed reset the connection, so the client
	 * saw no answer.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "POST /api/tasks", "POST /api/{other}/tasks", "PUT /api/tasks/complete",
			"POST /api/nothing-here" })
	void writeWhenRejectedBeforeItsBodyIsReadThenTheAnswerStillArrives(String call) throws Exception {
		String user = newUser();
		String line = call.replace("{other}", newUser());
		boolean signedIn = !call.equals("POST /api/tasks");
		byte[] chunk = ("{\"title\": \"" + "x".repeat(16 * 1024 - 16) + "\"}").getBytes(StandardCharsets.US_ASCII);
		int chunks = 32;
		try (java.net.Socket socket = new java.net.Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(20_000);
			java.io.OutputStream out = socket.getOutputStream();
			out.write((line + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\n"
					+ (signedIn ? "Authorization: Bearer " + identityProvider.hs256(user) + "\r\n" : "")
					+ "Content-Length: " + (chunks * chunk.length) + "\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			for (int i = 0; i < chunks; i++) {
				out.write(chunk);
				out.flush();
				Thread.sleep(5);
			}
			java.io.BufferedReader in = new java.io.BufferedReader(
					new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
			assertThat(in.readLine()).matches("HTTP/1\\.1 4\\d\\d .*");
		}
		assertThat(list(as(user), "/api/tasks")).isEmpty();
	}

	@ParameterizedTest
	@EnumSource(PathForm.class)
	void writeWhenContentTypeIsAbsentThenUnsupportedMediaType(PathForm form) {
		String user = newUser();
		WebTestClient client = as(user);
		long id = create(client, ORIGINAL);
		Map<String, Object> original = read(client, id);
		String tasks = form.tasks(user);
		byte[] body = "{\"title\": \"Changed\"}".getBytes(StandardCharsets.UTF_8);
		for (HttpMethod method : List.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH)) {
			String uri = (method == HttpMethod.POST) ? tasks : tasks + "/" + id;
			EntityExchangeResult<byte[]> result = expectProblemResult(
					client.method(method).uri(uri).bodyValue(body).exchange(), HttpStatus.UNSUPPORTED_MEDIA_TYPE, uri);
			assertThat(result.getRequestHeaders().getContentType()).isNull();
		}
		// complete takes no body at all, or JSON: a body of no declared type is neither
		String complete = tasks + "/" + id + "/complete";
		expectProblemResult(client.patch()
			.uri(complete)
			.bodyValue("{\"completed\": true}".getBytes(StandardCharsets.UTF_8))
			.exchange(), HttpStatus.UNSUPPORTED_MEDIA_TYPE, complete);
		assertThat(read(client, id)).isEqualTo(original);
		assertThat(list(client, "/api/tasks")).hasSize(1);
	}

	@ParameterizedTest
	@EnumSource(PathForm.class)
	void patchAcceptsMergePatchAndJsonButPostAndPutOnlyJson(PathForm form) {
		String user = newUser();
		WebTestClient client = as(user);
		String tasks = form.tasks(user);
		long id = create(client, ORIGINAL);
		send(client, HttpMethod.PATCH, tasks + "/" + id, MERGE_PATCH, "{\"priority\": \"low\"}").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.priority")
			.isEqualTo("low")
			.jsonPath("$.version")
			.isEqualTo(2);
		send(client, HttpMethod.PATCH, tasks + "/" + id, MediaType.APPLICATION_JSON, "{\"priority\": \"medium\"}")
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.priority")
			.isEqualTo("medium")
			.jsonPath("$.version")
			.isEqualTo(3);
		send(client, HttpMethod.PATCH, tasks + "/" + id, MediaType.valueOf("application/json;charset=UTF-8"),
				"{\"priority\": \"high\"}")
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.priority")
			.isEqualTo("high")
			.jsonPath("$.version")
			.isEqualTo(4);
		Map<String, Object> before = read(client, id);
		expectProblem(send(client, HttpMethod.POST, tasks, MERGE_PATCH, "{\"title\": \"Merge\"}"),
				HttpStatus.UNSUPPORTED_MEDIA_TYPE, tasks);
		expectProblem(send(client, HttpMethod.PUT, tasks + "/" + id, MERGE_PATCH, "{\"title\": \"Merge\"}"),
				HttpStatus.UNSUPPORTED_MEDIA_TYPE, tasks + "/" + id);
		assertThat(read(client, id)).isEqualTo(before);
		assertThat(list(client, "/api/tasks")).hasSize(1);
	}

	// 400: unknown query values, naming the parameter

	static Stream<Arguments> invalidQueries() {
		List<Arguments> arguments = new ArrayList<>();
		for (PathForm form : PathForm.values()) {
			for (String[] query : List.of(new String[] { "status=done", "status" },
					new String[] { "status=", "status" }, new String[] { "sort=colour", "sort" },
					new String[] { "sort=-colour", "sort" }, new String[] { "sort=--title", "sort" },
					new String[] { "limit=0", "limit" }, new String[] { "limit=201", "limit" },
					new String[] { "limit=10000", "limit" }, new String[] { "limit=abc", "limit" },
					new String[] { "limit=-1", "limit" }, new String[] { "limit=99999999999", "limit" },
					new String[] { "offset=-1", "offset" }, new String[] { "offset=abc", "offset" },
					new String[] { "status=all&status=pending", "status" }, new String[] { "limit=5&limit=5", "limit" },
					new String[] { "priority=urgent", "priority" }, new String[] { "priority=", "priority" },
					new String[] { "priority=HIGH", "priority" },
					new String[] { "priority=low&priority=low&priority=low&priority=low", "priority" },
					new String[] { "tag=", "tag" }, new String[] { "tag=  ", "tag" },
					new String[] { "tag=" + "t".repeat(51), "tag" },
					new String[] { "tag=a" + "&tag=a".repeat(20), "tag" },
					new String[] { "due_before=tomorrow", "due_before" }, new String[] { "due_before=", "due_before" },
					new String[] { "due_after=2026-13-01", "due_after" },
					new String[] { "due_after=2026-12-01T25:00:00Z", "due_after" },
					new String[] { "due_after=10000-01-01", "due_after" },
					new String[] { "due_before=2026-12-01&due_before=2026-12-02", "due_before" },
					new String[] { "overdue=yes", "overdue" }, new String[] { "overdue=", "overdue" },
					new String[] { "overdue=true&overdue=true", "overdue" },
					new String[] { "q=" + "w".repeat(201), "q" }, new String[] { "q=!?-", "q" },
					new String[] { "q=a&q=b", "q" })) {
				arguments.add(arguments(form, query[0], query[1]));
			}
		}
		return arguments.stream();
	}

	@ParameterizedTest(name = "{0} ?{1}")
	@MethodSource("invalidQueries")
	void listWhenQueryValueIsUnknownThenBadRequestNamingTheParameter(PathForm form, String query, String parameter) {
		String user = newUser();
		String tasks = form.tasks(user);
		Map<String, Object> problem = expectProblem(as(user).get().uri(tasks + "?" + query).exchange(),
				HttpStatus.BAD_REQUEST, tasks);
		assertThat(problem.get("parameter")).isEqualTo(parameter);
		assertThat((String) problem.get("detail")).contains(parameter);
	}

	@ParameterizedTest
	@EnumSource(PathForm.class)
	void listWhenLimitIsAtItsBoundsThenOk(PathForm form) {
		String user = newUser();
		WebTestClient client = as(user);
		create(client, "{\"title\": \"one\"}");
		create(client, "{\"title\": \"two\"}");
		String tasks = form.tasks(user);
		assertThat(list(client, tasks + "?limit=200")).hasSize(2);
		assertThat(list(client, tasks + "?limit=1")).hasSize(1);
		assertThat(list(client, tasks + "?offset=0&status=all&sort=-created_at")).hasSize(2);
		// Parameters the route does not know are ignored
		assertThat(list(client, tasks + "?colour=red")).hasSize(2);
		assertThat(list(client, tasks + "?priority=low&priority=medium&priority=high")).hasSize(2);
		assertThat(list(client, tasks + "?tag=a" + "&tag=b".repeat(19))).isEmpty();
		assertThat(list(client, tasks + "?q=" + "w".repeat(200) + "&tag=" + "t".repeat(50))).isEmpty();
	}

	// 400: conditional headers that are not lists of entity tags, naming the header

	static Stream<Arguments> malformedConditionalHeaders() {
		List<Arguments> arguments = new ArrayList<>();
		for (PathForm form : PathForm.values()) {
			for (Call call : List.of(Call.GET_ONE, Call.REPLACE, Call.PATCH, Call.COMPLETE, Call.COMPLETE_WITH_BODY,
					Call.DELETE)) {
				String header = (call == Call.GET_ONE) ? "If-None-Match" : "If-Match";
				for (String value : List.of("1", "\"1", "W/1", "\"1\" junk", "w/\"1\"", "**", "\"1\";\"2\"",
						"\"a\"b\"")) {
					arguments.add(arguments(form, call, header, value));
				}
			}
		}
		return arguments.stream();
	}

	@ParameterizedTest(name = "{0} {1} {2}: {3}")
	@MethodSource("malformedConditionalHeaders")
	void taskRouteWhenConditionalHeaderIsMalformedThenBadRequestNamingItAndNothingChanges(PathForm form, Call call,
			String header, String value) {
		String user = newUser();
		WebTestClient client = as(user);
		long id = create(client, ORIGINAL);
		Map<String, Object> original = read(client, id);
		String tasks = form.tasks(user);
		RequestBodySpec request = client.method(call.method).uri(call.uri(tasks, id)).header(header, value);
		if (call.contentType != null) {
			request = request.contentType(call.contentType);
		}
		ResponseSpec response = (call.body != null) ? request.bodyValue(call.body).exchange() : request.exchange();
		Map<String, Object> problem = expectProblem(response, HttpStatus.BAD_REQUEST, call.uri(tasks, id));
		assertThat(problem.get("header")).isEqualTo(header);
		assertThat((String) problem.get("detail")).contains(header);
		assertThat(read(client, id)).isEqualTo(original);
	}

	// 400: an Idempotency-Key that is not 1 to 255 visible ASCII characters, naming the
	// header

	static Stream<Arguments> malformedIdempotencyKeys() {
		List<Arguments> arguments = new ArrayList<>();
		for (PathForm form : PathForm.values()) {
			for (String key : List.of("", "a b", "tab\tkey", "clé", "x".repeat(256))) {
				arguments.add(arguments(form, List.of(key)));
			}
			arguments.add(arguments(form, List.of("one", "two")));
		}
		return arguments.stream();
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("malformedIdempotencyKeys")
	void createWhenIdempotencyKeyIsMalformedThenBadRequestNamingItAndNothingIsCreated(PathForm form,
			List<String> keys) {
		String user = newUser();
		WebTestClient client = as(user);
		String tasks = form.tasks(user);
		ResponseSpec response = client.post()
			.uri(tasks)
			.headers((headers) -> headers.put("Idempotency-Key", keys))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"Sneaky\"}")
			.exchange();
		Map<String, Object> problem = expectProblem(response, HttpStatus.BAD_REQUEST, tasks);
		assertThat(problem.get("header")).isEqualTo("Idempotency-Key");
		assertThat(list(client, "/api/tasks")).isEmpty();
	}

	@ParameterizedTest
	@EnumSource(PathForm.class)
	void createWhenIdempotencyKeyIsAtItsBoundsThenCreated(PathForm form) {
		String user = newUser();
		WebTestClient client = as(user);
		for (String key : List.of("k", "~".repeat(255), "!#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")) {
			client.post()
				.uri(form.tasks(user))
				.header("Idempotency-Key", key)
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"title\": \"Fine\"}")
				.exchange()
				.expectStatus()
				.isCreated();
		}
		assertThat(list(client, "/api/tasks")).hasSize(3);
	}

	// 405: a method the route does not have, with Allow

	static Stream<Arguments> methodsNotAllowed() {
		List<Arguments> arguments = new ArrayList<>();
		for (PathForm form : PathForm.values()) {
			Set<HttpMethod> list = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.DELETE);
			arguments.add(arguments(form, HttpMethod.PUT, "", list));
			arguments.add(arguments(form, HttpMethod.PATCH, "", list));
			arguments.add(arguments(form, HttpMethod.GET, "/complete", Set.of(HttpMethod.POST)));
			arguments.add(arguments(form, HttpMethod.DELETE, "/complete", Set.of(HttpMethod.POST)));
			arguments.add(arguments(form, HttpMethod.PATCH, "/complete", Set.of(HttpMethod.POST)));
			arguments.add(arguments(form, HttpMethod.POST, "/1",
					Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE)));
			arguments.add(arguments(form, HttpMethod.GET, "/1/complete", Set.of(HttpMethod.PATCH)));
			arguments.add(arguments(form, HttpMethod.DELETE, "/1/complete", Set.of(HttpMethod.PATCH)));
			arguments.add(arguments(form, HttpMethod.POST, "/1/complete", Set.of(HttpMethod.PATCH)));
		}
		return arguments.stream();
	}

	@ParameterizedTest(name = "{0} {1} {2}")
	@MethodSource("methodsNotAllowed")
	void routeWhenMethodIsNotAllowedThenMethodNotAllowedWithAllow(PathForm form, HttpMethod method, String path,
			Set<HttpMethod> allowed) {
		String user = newUser();
		String uri = form.tasks(user) + path;
		EntityExchangeResult<byte[]> result = expectProblemResult(as(user).method(method).uri(uri).exchange(),
				HttpStatus.METHOD_NOT_ALLOWED, uri);
		assertThat(result.getResponseHeaders().getAllow()).isEqualTo(allowed);
	}

	/**
	 * Methods no task route has, standard (TRACE) or an extension (PURGE), are still a
	 * 405 with Allow.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "TRACE", "PURGE" })
	void routeWhenMethodIsUnknownToTheRouteThenMethodNotAllowedWithAllow(String method) {
		String uri = "/api/tasks/1";
		EntityExchangeResult<byte[]> result = expectProblemResult(
				as(newUser()).method(HttpMethod.valueOf(method)).uri(uri).exchange(), HttpStatus.METHOD_NOT_ALLOWED,
				uri);
		assertThat(result.getResponseHeaders().getAllow())
			.isEqualTo(Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE));
	}

	// Support

	/** The checks every problem answer must pass; returns the problem's members. */
	private static Map<String, Object> expectProblem(ResponseSpec response, HttpStatus status, String instance) {
		return problemOf(expectProblemResult(response, status, instance));
	}

	private static EntityExchangeResult<byte[]> expectProblemResult(ResponseSpec response, HttpStatus status,
			String instance) {
		EntityExchangeResult<byte[]> result = response.expectStatus()
			.isEqualTo(status)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.returnResult();
		String raw = new String(result.getResponseBodyContent(), StandardCharsets.UTF_8);
		assertNoInternals(raw);
		Map<String, Object> problem = problemOf(result);
		assertThat(problem).as(raw)
			.containsEntry("type", "about:blank")
			.containsEntry("title", status.getReasonPhrase())
			.containsEntry("status", status.value())
			.containsEntry("instance", instance)
			.containsKey("detail");
		assertThat(problem.get("detail")).as(raw).isInstanceOf(String.class);
		assertThat((String) problem.get("detail")).as(raw).isNotBlank();
		return result;
	}

	private static Map<String, Object> problemOf(EntityExchangeResult<byte[]> result) {
		return json.readValue(result.getResponseBodyContent(), new TypeReference<Map<String, Object>>() {
		});
	}

	/** No stack trace, SQL or class name ever reaches a client. */
	static void assertNoInternals(String raw) {
		assertThat(raw)
			.doesNotContain("Exception", "java.", "org.springframework", "SQL", "postgres", "Postgres", "reactor.",
					"\tat ", "tools.jackson", "app.todo")
			.doesNotContainPattern("\\bat [a-z][\\w$]*(\\.[\\w$]+)+\\(");
	}

	private static void assertErrors(Map<String, Object> problem, List<String> fields) {
		assertThat(problem.get("errors")).isInstanceOf(List.class);
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> errors = (List<Map<String, Object>>) problem.get("errors");
		assertThat(errors).extracting((error) -> error.get("field")).containsExactlyInAnyOrderElementsOf(fields);
		assertThat(errors)
			.allSatisfy((error) -> assertThat(error.get("message")).isInstanceOf(String.class).asString().isNotBlank());
	}

	private static ResponseSpec send(WebTestClient client, HttpMethod method, String uri,
			@Nullable MediaType contentType, @Nullable String body) {
		RequestBodySpec request = client.method(method).uri(uri);
		if (contentType != null) {
			request = request.contentType(contentType);
		}
		return (body != null) ? request.bodyValue(body).exchange() : request.exchange();
	}

	/**
	 * The Content-Type header exactly as given: the client's own encoders would parse it
	 * first.
	 */
	private static ResponseSpec sendRaw(WebTestClient client, HttpMethod method, String uri, String contentType,
			String body) {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		return client.method(method)
			.uri(uri)
			.header(HttpHeaders.CONTENT_TYPE, contentType)
			.body((message, context) -> message
				.writeWith(Mono.just(DefaultDataBufferFactory.sharedInstance.wrap(bytes))))
			.exchange();
	}

}
