package app.todo.openapi;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import app.todo.ApiTestSupport;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real responses of the task routes, in both path forms, validate against the OpenAPI
 * document; and a response that breaks it does not.
 */
class OpenApiResponseTests extends ApiTestSupport {

	private OpenApiContract contract;

	@BeforeEach
	void readDocument() {
		this.contract = new OpenApiContract(OpenApiContract.served(this.client));
	}

	@ParameterizedTest
	@EnumSource(PathForm.class)
	void everyTaskRouteAnswersAsDocumented(PathForm form) {
		String user = newUser();
		WebTestClient client = as(user);
		String tasks = form.tasks(user);
		String start = java.time.Instant.now().minusSeconds(60).toString();
		EntityExchangeResult<byte[]> created = matches(
				client.post().uri(tasks).contentType(MediaType.APPLICATION_JSON).bodyValue("""
						{"title": "Buy milk", "description": "Oat", "priority": "high", "due_date": "2026-12-01",
						 "tags": ["home"]}""").exchange().expectStatus().isCreated().expectBody().returnResult());
		String task = created.getResponseHeaders().getFirst(HttpHeaders.LOCATION);
		matches(client.post()
			.uri(tasks)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"Bare\"}")
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody()
			.returnResult());
		EntityExchangeResult<byte[]> page = matches(client.get()
			.uri(tasks + "?limit=1&sort=due_date")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult());
		assertThat(page.getResponseHeaders().getFirst(HttpHeaders.LINK)).contains("rel=\"next\"");
		matches(client.get()
			.uri(tasks + "?status=pending")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult());
		matches(client.head().uri(tasks).exchange().expectStatus().isOk().expectBody().returnResult());
		matches(client.get().uri(task).exchange().expectStatus().isOk().expectBody().returnResult());
		matches(client.head().uri(task).exchange().expectStatus().isOk().expectBody().returnResult());
		matches(client.put()
			.uri(task)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"Buy bread\"}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult());
		matches(client.patch()
			.uri(task)
			.contentType(MediaType.valueOf("application/merge-patch+json"))
			.bodyValue("{\"description\": null, \"tags\": [\"a\", \"b\"]}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult());
		matches(client.patch().uri(task + "/complete").exchange().expectStatus().isOk().expectBody().returnResult());
		matches(client.patch()
			.uri(task + "/complete")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"completed\": false}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult());
		String etag = matches(client.get().uri(task).exchange().expectStatus().isOk().expectBody().returnResult())
			.getResponseHeaders()
			.getETag();
		matches(client.get()
			.uri(task)
			.ifNoneMatch(etag)
			.exchange()
			.expectStatus()
			.isNotModified()
			.expectBody()
			.returnResult());
		matches(client.put()
			.uri(task)
			.header(HttpHeaders.IF_MATCH, "\"1\"")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"Stale\"}")
			.exchange()
			.expectStatus()
			.isEqualTo(412)
			.expectBody()
			.returnResult());
		matches(client.post()
			.uri(tasks + "/complete")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"ids\": [" + task.substring(task.lastIndexOf('/') + 1) + "]}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult());
		matches(client.delete()
			.uri(tasks + "?status=completed")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult());
		matches(client.delete().uri(task).exchange().expectStatus().isNotFound().expectBody().returnResult());
		EntityExchangeResult<byte[]> sync = matches(client.get()
			.uri(tasks + "/changes?updated_since={since}", start)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult());
		assertThat(new String(sync.getResponseBody())).contains("\"deleted\":true");
		matches(client.post()
			.uri(tasks)
			.header("Idempotency-Key", "key-1")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"Once\"}")
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody()
			.returnResult());
		matches(client.post()
			.uri(tasks)
			.header("Idempotency-Key", "key-1")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"Once\"}")
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody()
			.returnResult());
		String other = matches(client.post()
			.uri(tasks)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"Gone\"}")
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody()
			.returnResult()).getResponseHeaders().getFirst(HttpHeaders.LOCATION);
		matches(client.delete().uri(other).exchange().expectStatus().isNoContent().expectBody().returnResult());
	}

	@ParameterizedTest
	@EnumSource(PathForm.class)
	void problemsAnswerAsDocumented(PathForm form) {
		String user = newUser();
		WebTestClient client = as(user);
		String tasks = form.tasks(user);
		matches(client.get()
			.uri(tasks + "/12345678")
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody()
			.returnResult());
		matches(client.delete()
			.uri(tasks + "/not-an-id")
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody()
			.returnResult());
		matches(client.post()
			.uri(tasks)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \" \", \"priority\": \"urgent\"}")
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.returnResult());
		matches(client.post()
			.uri(tasks)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("[1]")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.returnResult());
		matches(client.post()
			.uri(tasks)
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue("milk")
			.exchange()
			.expectStatus()
			.isEqualTo(415)
			.expectBody()
			.returnResult());
		matches(client.post()
			.uri(tasks)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"" + "x".repeat(70_000) + "\"}")
			.exchange()
			.expectStatus()
			.isEqualTo(413)
			.expectBody()
			.returnResult());
		matches(client.get()
			.uri(tasks + "?status=done")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.returnResult());
		matches(this.client.get().uri(tasks).exchange().expectStatus().isUnauthorized().expectBody().returnResult());
		matches(this.client.get()
			.uri(tasks)
			.header(HttpHeaders.AUTHORIZATION, "Bearer not.a.token")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectBody()
			.returnResult());
	}

	/**
	 * Sign-up, sign-in, refresh, sign-out and the password change, with their cookie, as
	 * documented; and their refusals.
	 */
	@Test
	void everySessionRouteAnswersAsDocumented() {
		String email = "documented-" + java.util.UUID.randomUUID() + "@example.com";
		String password = "correct horse battery staple";
		EntityExchangeResult<byte[]> signedUp = matches(this.client.post()
			.uri("/api/auth/sign-up")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(java.util.Map.of("email", email, "password", password, "name", "Documented"))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody()
			.returnResult());
		String cookie = signedUp.getResponseCookies().getFirst("todo_refresh").getValue();
		EntityExchangeResult<byte[]> refreshed = matches(this.client.post()
			.uri("/api/auth/refresh")
			.header("X-Requested-With", "fetch")
			.cookie("todo_refresh", cookie)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult());
		String token = new String(refreshed.getResponseBody()).replaceFirst("^.*\"token\":\"([^\"]+)\".*$", "$1");
		matches(this.client.post()
			.uri("/api/auth/refresh")
			.header("X-Requested-With", "fetch")
			.cookie("todo_refresh", cookie)
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectBody()
			.returnResult());
		matches(this.client.post()
			.uri("/api/auth/refresh")
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectBody()
			.returnResult());
		matches(this.client.post()
			.uri("/api/auth/sign-in")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(java.util.Map.of("email", email, "password", password))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult());
		WebTestClient signedIn = this.client.mutate().defaultHeaders((headers) -> headers.setBearerAuth(token)).build();
		EntityExchangeResult<byte[]> changed = matches(signedIn.post()
			.uri("/api/me/password")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(java.util.Map.of("current_password", password, "new_password", "a new password"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult());
		matches(this.client.post()
			.uri("/api/auth/sign-out")
			.header("X-Requested-With", "fetch")
			.cookie("todo_refresh", changed.getResponseCookies().getFirst("todo_refresh").getValue())
			.exchange()
			.expectStatus()
			.isNoContent()
			.expectBody()
			.returnResult());
	}

	@Test
	void anotherUsersPathIsADocumentedForbidden() {
		matches(as(newUser()).get()
			.uri(PathForm.USER.tasks(newUser()))
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectBody()
			.returnResult());
	}

	@Test
	void aResponseThatBreaksTheDocumentFails() {
		WebTestClient client = as(newUser());
		EntityExchangeResult<byte[]> created = client.post()
			.uri("/api/tasks")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"Real\"}")
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody()
			.returnResult();
		String task = new String(created.getResponseBody());
		HttpHeaders headers = created.getResponseHeaders();
		String path = created.getUrl().getRawPath();

		assertThat(this.contract.violations(HttpMethod.POST, path, 201, headers, task.getBytes())).isEmpty();
		assertThat(this.contract.violations(HttpMethod.POST, path, 201, headers,
				task.replaceFirst("\"priority\":\"medium\"", "\"priority\":\"urgent\"").getBytes()))
			.singleElement()
			.asString()
			.contains("priority");
		assertThat(this.contract.violations(HttpMethod.POST, path, 201, headers,
				task.replaceFirst("\"created_at\":\"", "\"created_at\":\"yesterday ").getBytes()))
			.singleElement()
			.asString()
			.contains("created_at");
		assertThat(this.contract.violations(HttpMethod.POST, path, 201, headers,
				task.replaceFirst("\"title\":\"Real\",", "").getBytes()))
			.singleElement()
			.asString()
			.contains("title");
		assertThat(this.contract.violations(HttpMethod.POST, path, 201, headers,
				task.replaceFirst("\"id\":\\d+", "\"id\":\"7\"").getBytes()))
			.singleElement()
			.asString()
			.contains("id");
		assertThat(this.contract.violations(HttpMethod.POST, path, 418, headers, task.getBytes())).singleElement()
			.asString()
			.contains("status 418 is not documented");
		HttpHeaders problem = new HttpHeaders();
		problem.setContentType(MediaType.APPLICATION_JSON);
		assertThat(this.contract.violations(HttpMethod.POST, path, 422, problem, task.getBytes())).singleElement()
			.asString()
			.contains("application/json is not one of the documented");
		HttpHeaders withoutLocation = new HttpHeaders();
		withoutLocation.setContentType(MediaType.APPLICATION_JSON);
		assertThat(this.contract.violations(HttpMethod.POST, path, 201, withoutLocation, task.getBytes()))
			.singleElement()
			.asString()
			.contains("Location");
		assertThat(this.contract.violations(HttpMethod.GET, "/api/nowhere/at/all", 200, headers, task.getBytes()))
			.singleElement()
			.asString()
			.contains("no path of the document");
	}

	private EntityExchangeResult<byte[]> matches(EntityExchangeResult<byte[]> result) {
		List<String> violations = this.contract.violations(result);
		assertThat(violations).as("responses that break the OpenAPI document").isEmpty();
		return result;
	}

}
