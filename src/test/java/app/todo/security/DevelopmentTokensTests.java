package app.todo.security;

import java.util.Map;

import org.junit.jupiter.api.Test;

import app.todo.TestcontainersConfiguration;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Development mode: the embedded database and no token source, so {@code POST /dev/token}
 * hands out tokens the API then accepts.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "todo.database.url=", "todo.database.embedded-directory=", "todo.auth.secret=", "todo.auth.url=",
				"todo.auth.jwks-uri=" })
@AutoConfigureWebTestClient(timeout = "30s")
@Import(TestcontainersConfiguration.class)
class DevelopmentTokensTests {

	@Autowired
	private WebTestClient client;

	@Test
	void postDevTokenWhenSubGivenThenTokenOpensTheApiAsThatUser() {
		String token = this.client.post()
			.uri("/dev/token?sub=alice")
			.exchange()
			.expectStatus().isOk()
			.expectHeader().contentTypeCompatibleWith(MediaType.TEXT_PLAIN)
			.expectBody(String.class)
			.returnResult()
			.getResponseBody()
			.strip();
		assertThat(token.split("\\.")).hasSize(3);
		WebTestClient alice = this.client.mutate().defaultHeaders((headers) -> headers.setBearerAuth(token)).build();
		alice.get().uri("/api/tasks").exchange().expectStatus().isOk();
		alice.post()
			.uri("/api/tasks")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("title", "Try the API"))
			.exchange()
			.expectStatus().isCreated()
			.expectBody()
			.jsonPath("$.user_id").isEqualTo("alice")
			.jsonPath("$.title").isEqualTo("Try the API");
	}

	@Test
	void getWhenNoTokenInDevelopmentModeThenStillUnauthorized() {
		this.client.get().uri("/api/tasks").exchange().expectStatus().isUnauthorized();
	}

	@Test
	void postDevTokenWhenSubMissingThenBadRequestNamingSub() {
		this.client.post()
			.uri("/dev/token")
			.exchange()
			.expectStatus().isBadRequest()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status").isEqualTo(400)
			.jsonPath("$.parameter").isEqualTo("sub");
	}

	@Test
	void postDevTokenWhenSubIs256CharactersThenBadRequestNamingSub() {
		this.client.post()
			.uri("/dev/token?sub={sub}", "a".repeat(256))
			.exchange()
			.expectStatus().isBadRequest()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.parameter").isEqualTo("sub");
	}

}
