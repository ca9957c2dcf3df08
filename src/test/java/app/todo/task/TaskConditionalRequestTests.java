package app.todo.task;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;

import app.todo.ApiTestSupport;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec;
import org.springframework.web.reactive.function.client.WebClient;

import static app.todo.task.TaskRequests.create;
import static app.todo.task.TaskRequests.get;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * ETags, If-None-Match and If-Match on single tasks, end to end: a stale write is a 412
 * that changes nothing, and racing writers holding one version get exactly one winner.
 */
class TaskConditionalRequestTests extends ApiTestSupport {

	private static final MediaType MERGE_PATCH = MediaType.valueOf("application/merge-patch+json");

	@Value("${local.server.port}")
	private int port;

	@ParameterizedTest
	@EnumSource(PathForm.class)
	void everySingleTaskResponseCarriesTheVersionAsAStrongETag(PathForm form) {
		String user = newUser();
		WebTestClient client = as(user);
		String tasks = form.tasks(user);
		long id = client.post()
			.uri(tasks)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"a\"}")
			.exchange()
			.expectStatus()
			.isCreated()
			.expectHeader()
			.valueEquals(HttpHeaders.ETAG, "\"1\"")
			.expectBody(Task.class)
			.returnResult()
			.getResponseBody()
			.id();
		client.get()
			.uri(tasks + "/{id}", id)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals(HttpHeaders.ETAG, "\"1\"");
		client.head()
			.uri(tasks + "/{id}", id)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals(HttpHeaders.ETAG, "\"1\"");
		client.put()
			.uri(tasks + "/{id}", id)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"b\"}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals(HttpHeaders.ETAG, "\"2\"");
		client.patch()
			.uri(tasks + "/{id}", id)
			.contentType(MERGE_PATCH)
			.bodyValue("{\"title\": \"c\"}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals(HttpHeaders.ETAG, "\"3\"");
		client.patch()
			.uri(tasks + "/{id}/complete", id)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals(HttpHeaders.ETAG, "\"4\"")
			.expectBody()
			.jsonPath("$.version")
			.isEqualTo(4);
		// A patch that changes nothing keeps the version, and says so
		client.patch()
			.uri(tasks + "/{id}", id)
			.contentType(MERGE_PATCH)
			.bodyValue("{}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals(HttpHeaders.ETAG, "\"4\"");
	}

	@ParameterizedTest
	@ValueSource(strings = { "\"1\"", "W/\"1\"", "\"7\", \"1\"", "*", "\"x\",W/\"1\"" })
	void getWhenIfNoneMatchNamesTheCurrentVersionThenNotModifiedWithoutABody(String ifNoneMatch) {
		WebTestClient client = as(newUser());
		long id = create(client, "{\"title\": \"Cached\"}");
		for (WebTestClient.RequestHeadersUriSpec<?> method : List.of(client.get(), client.head())) {
			method.uri("/api/tasks/{id}", id)
				.header(HttpHeaders.IF_NONE_MATCH, ifNoneMatch)
				.exchange()
				.expectStatus()
				.isNotModified()
				.expectHeader()
				.valueEquals(HttpHeaders.ETAG, "\"1\"")
				.expectBody()
				.isEmpty();
		}
	}

	@Test
	void getWhenIfNoneMatchNamesAnOlderVersionThenTheTask() {
		WebTestClient client = as(newUser());
		long id = create(client, "{\"title\": \"Cached\"}");
		patch(client, id, null, "{\"title\": \"Changed\"}").expectStatus().isOk();
		client.get()
			.uri("/api/tasks/{id}", id)
			.header(HttpHeaders.IF_NONE_MATCH, "\"1\"")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals(HttpHeaders.ETAG, "\"2\"")
			.expectBody()
			.jsonPath("$.title")
			.isEqualTo("Changed");
	}

	@Test
	void getWhenIfNoneMatchButTheTaskIsAnotherUsersThenNotFound() {
		long id = create(as(newUser()), "{\"title\": \"Alice's\"}");
		as(newUser()).get()
			.uri("/api/tasks/{id}", id)
			.header(HttpHeaders.IF_NONE_MATCH, "*")
			.exchange()
			.expectStatus()
			.isNotFound();
	}

	enum Write {

		PUT, PATCH, COMPLETE, COMPLETE_WITH_BODY, DELETE;

		ResponseSpec send(WebTestClient client, String tasks, long id, String ifMatch) {
			WebTestClient.RequestHeadersSpec<?> request = switch (this) {
				case PUT -> client.put()
					.uri(tasks + "/{id}", id)
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue("{\"title\": \"Overwritten\"}");
				case PATCH -> client.patch()
					.uri(tasks + "/{id}", id)
					.contentType(MERGE_PATCH)
					.bodyValue("{\"title\": \"Overwritten\"}");
				case COMPLETE -> client.patch().uri(tasks + "/{id}/complete", id);
				case COMPLETE_WITH_BODY -> client.patch()
					.uri(tasks + "/{id}/complete", id)
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue("{\"completed\": true}");
				case DELETE -> client.delete().uri(tasks + "/{id}", id);
			};
			return request.header(HttpHeaders.IF_MATCH, ifMatch).exchange();
		}

		HttpStatus success() {
			return (this == DELETE) ? HttpStatus.NO_CONTENT : HttpStatus.OK;
		}

	}

	@ParameterizedTest
	@EnumSource(Write.class)
	void writeWhenIfMatchIsStaleThenPreconditionFailedAndNothingChanges(Write write) {
		for (PathForm form : PathForm.values()) {
			String user = newUser();
			WebTestClient client = as(user);
			long id = create(client, "{\"title\": \"Original\"}");
			patch(client, id, "\"1\"", "{\"description\": \"Seen by someone else\"}").expectStatus().isOk();
			Task before = get(client, id);
			// "1" is stale; W/"2" names the current version but If-Match compares
			// strongly
			for (String stale : List.of("\"1\"", "\"1\", \"3\"", "W/\"2\"", "\"two\"")) {
				write.send(client, form.tasks(user), id, stale)
					.expectStatus()
					.isEqualTo(HttpStatus.PRECONDITION_FAILED)
					.expectHeader()
					.contentType(MediaType.APPLICATION_PROBLEM_JSON)
					.expectBody()
					.jsonPath("$.status")
					.isEqualTo(412)
					.jsonPath("$.title")
					.isEqualTo("Precondition Failed")
					.jsonPath("$.detail")
					.value((String detail) -> assertThat(detail).contains("If-Match"));
				assertThat(get(client, id)).isEqualTo(before);
			}
		}
	}

	@ParameterizedTest
	@EnumSource(Write.class)
	void writeWhenIfMatchNamesTheCurrentVersionOrAnyThenItIsMade(Write write) {
		for (String ifMatch : List.of("\"1\"", "\"5\", \"1\"", "*")) {
			WebTestClient client = as(newUser());
			long id = create(client, "{\"title\": \"Original\"}");
			write.send(client, "/api/tasks", id, ifMatch).expectStatus().isEqualTo(write.success());
			if (write == Write.DELETE) {
				client.get().uri("/api/tasks/{id}", id).exchange().expectStatus().isNotFound();
			}
			else {
				assertThat(get(client, id).version()).isEqualTo(2);
			}
		}
	}

	@ParameterizedTest
	@EnumSource(Write.class)
	void writeWhenIfMatchButTheTaskIsMissingOrAnotherUsersThenNotFound(Write write) {
		long alices = create(as(newUser()), "{\"title\": \"Alice's\"}");
		WebTestClient bob = as(newUser());
		for (String ifMatch : List.of("\"1\"", "*", "\"2\"")) {
			write.send(bob, "/api/tasks", alices, ifMatch).expectStatus().isNotFound();
			write.send(bob, "/api/tasks", Long.MAX_VALUE, ifMatch).expectStatus().isNotFound();
		}
	}

	@Test
	void deleteWhenIfMatchIsStaleThenTheTaskStays() {
		WebTestClient client = as(newUser());
		long id = create(client, "{\"title\": \"Keep me\"}");
		patch(client, id, null, "{\"title\": \"Kept\"}").expectStatus().isOk();
		client.delete()
			.uri("/api/tasks/{id}", id)
			.header(HttpHeaders.IF_MATCH, "\"1\"")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.PRECONDITION_FAILED);
		assertThat(get(client, id).title()).isEqualTo("Kept");
		client.delete()
			.uri("/api/tasks/{id}", id)
			.header(HttpHeaders.IF_MATCH, "\"2\"")
			.exchange()
			.expectStatus()
			.isNoContent();
	}

	/**
	 * Many clients holding the same version race to write it: per version exactly one
	 * wins, everyone else gets a 412, and the task ends as the winner wrote it.
	 */
	@Test
	void parallelWritesWithTheSameIfMatchHaveExactlyOneWinnerPerVersion() {
		String user = newUser();
		WebTestClient client = as(user);
		long id = create(client, "{\"title\": \"Contended\"}");
		WebClient web = WebClient.builder()
			.baseUrl("http://localhost:" + this.port)
			.defaultHeaders((headers) -> headers.setBearerAuth(identityProvider.hs256(user)))
			.build();
		int writers = 12;
		for (int version = 1; version <= 3; version++) {
			String ifMatch = "\"" + version + "\"";
			List<Map.Entry<Integer, String>> outcomes = Flux.range(0, writers)
				.flatMap((writer) -> web.patch()
					.uri("/api/tasks/{id}", id)
					.header(HttpHeaders.IF_MATCH, ifMatch)
					.contentType(MERGE_PATCH)
					.bodyValue(Map.of("title", "writer " + writer, "description", "of writer " + writer))
					.exchangeToMono((response) -> response.releaseBody()
						.thenReturn(Map.entry(response.statusCode().value(), "writer " + writer))), writers)
				.collectList()
				.block(Duration.ofSeconds(60));
			Map<Integer, List<String>> byStatus = outcomes.stream()
				.collect(Collectors.groupingBy(Map.Entry::getKey,
						Collectors.mapping(Map.Entry::getValue, Collectors.toList())));
			assertThat(byStatus.keySet()).isEqualTo(Set.of(200, 412));
			assertThat(byStatus.get(200)).hasSize(1);
			assertThat(byStatus.get(412)).hasSize(writers - 1);
			Task task = get(client, id);
			assertThat(task.version()).isEqualTo(version + 1);
			assertThat(task.title()).isEqualTo(byStatus.get(200).get(0));
			assertThat(task.description()).isEqualTo("of " + byStatus.get(200).get(0));
		}
	}

	/**
	 * 908 tags of 3.6 KB, or one tag and 2,048 commas, once overflowed the stack of the
	 * tag regex on the event loop: the connection dropped with no answer, and meanwhile
	 * another user's list could fail. Too many tags are a 400 naming the header now;
	 * empty list elements cost nothing; and other users are served throughout.
	 */
	@Test
	void conditionalHeaderWhenLongListsThenAnswersWithoutDroppingAndOthersAreServed() {
		String user = newUser();
		WebTestClient client = as(user);
		long id = create(client, "{\"title\": \"Listed\"}");
		String manyTags = String.join(",", java.util.Collections.nCopies(908, "\"1\""));
		String manyCommas = "\"1\"" + ",".repeat(2048);
		client.get()
			.uri("/api/tasks/{id}", id)
			.header(HttpHeaders.IF_NONE_MATCH, manyTags)
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.header")
			.isEqualTo("If-None-Match")
			.jsonPath("$.detail")
			.value((String detail) -> assertThat(detail).contains("64"));
		patch(client, id, manyTags, "{\"title\": \"Not written\"}").expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.header")
			.isEqualTo("If-Match");
		client.get()
			.uri("/api/tasks/{id}", id)
			.header(HttpHeaders.IF_NONE_MATCH, manyCommas)
			.exchange()
			.expectStatus()
			.isNotModified();
		String sixtyFour = String.join(", ", java.util.Collections.nCopies(63, "W/\"9\"")) + ", \"1\"";
		patch(client, id, sixtyFour, "{\"title\": \"Written\"}").expectStatus().isOk();
		patch(client, id, manyCommas.replace("1", "2"), "{\"description\": \"Again\"}").expectStatus().isOk();
		// 50 hostile requests at once, and another user's list beside them
		String other = newUser();
		create(as(other), "{\"title\": \"Bystander\"}");
		WebClient web = WebClient.builder()
			.baseUrl("http://localhost:" + this.port)
			.defaultHeaders((headers) -> headers.setBearerAuth(identityProvider.hs256(user)))
			.build();
		WebClient bystander = WebClient.builder()
			.baseUrl("http://localhost:" + this.port)
			.defaultHeaders((headers) -> headers.setBearerAuth(identityProvider.hs256(other)))
			.build();
		List<Integer> statuses = Flux.range(0, 50)
			.flatMap(
					(i) -> web.get()
						.uri("/api/tasks/{id}", id)
						.header(HttpHeaders.IF_NONE_MATCH, (i % 2 == 0) ? manyTags : manyCommas)
						.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value())),
					50)
			.mergeWith(Flux.range(0, 10)
				.flatMap((i) -> bystander.get()
					.uri("/api/tasks")
					.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()))))
			.collectList()
			.block(Duration.ofSeconds(60));
		assertThat(statuses).hasSize(60).containsOnly(400, 200);
		assertThat(statuses).filteredOn((status) -> status == 200).hasSize(10 + 25);
		assertThat(get(client, id).version()).isEqualTo(3);
	}

	private static ResponseSpec patch(WebTestClient client, long id, String ifMatch, String json) {
		WebTestClient.RequestHeadersSpec<?> request = client.patch()
			.uri("/api/tasks/{id}", id)
			.contentType(MERGE_PATCH)
			.bodyValue(json);
		return ((ifMatch != null) ? request.header(HttpHeaders.IF_MATCH, ifMatch) : request).exchange();
	}

}
