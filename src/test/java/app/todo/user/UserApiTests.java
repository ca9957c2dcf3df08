package app.todo.user;

import java.util.Map;

import org.junit.jupiter.api.Test;

import app.todo.ApiTestSupport;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/**
 * {@code GET /api/me} for every kind of token: the claims it carries, else what the users
 * row knows, else only the id.
 */
class UserApiTests extends ApiTestSupport {

	@Test
	void getMeWhenBetterAuthTokenWithEmailAndNameThenFromTheClaims() {
		String user = newUser();
		String token = identityProvider
			.eddsa(identityProvider.claims(user).claim("email", "bob@example.com").claim("name", "Bob").build());
		this.client.get()
			.uri("/api/me")
			.headers((headers) -> headers.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType(MediaType.APPLICATION_JSON)
			.expectBody()
			.jsonPath("$.id")
			.isEqualTo(user)
			.jsonPath("$.email")
			.isEqualTo("bob@example.com")
			.jsonPath("$.name")
			.isEqualTo("Bob");
	}

	@Test
	void getMeWhenTokenWithoutClaimsAndNoRowThenIdOnly() {
		String user = newUser();
		as(user).get()
			.uri("/api/me")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.id")
			.isEqualTo(user)
			.jsonPath("$.email")
			.doesNotExist()
			.jsonPath("$.name")
			.doesNotExist();
	}

	@Test
	void getMeWhenTokenWithoutClaimsThenFromTheUsersRow() {
		String user = newUser();
		String withClaims = identityProvider
			.eddsa(identityProvider.claims(user).claim("email", "carol@example.com").build());
		this.client.post()
			.uri("/api/tasks")
			.headers((headers) -> headers.setBearerAuth(withClaims))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("title", "First"))
			.exchange()
			.expectStatus()
			.isCreated();
		as(user).get()
			.uri("/api/me")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.id")
			.isEqualTo(user)
			.jsonPath("$.email")
			.isEqualTo("carol@example.com");
	}

	@Test
	void postMeThenMethodNotAllowed() {
		as(newUser()).post()
			.uri("/api/me")
			.exchange()
			.expectStatus()
			.isEqualTo(405)
			.expectHeader()
			.valueEquals(HttpHeaders.ALLOW, "GET,HEAD,DELETE");
	}

}
