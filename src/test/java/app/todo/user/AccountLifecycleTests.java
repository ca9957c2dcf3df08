package app.todo.user;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import app.todo.ApiTestSupport;
import app.todo.TestIdentityProvider;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code DELETE /api/me} and {@code POST /api/me/sign-out-everywhere} through the whole
 * chain, with real tokens: nothing of the user stays, and tokens issued before are
 * refused while those issued after work.
 */
class AccountLifecycleTests extends ApiTestSupport {

	private static final List<String> TABLES_BY_USER_ID = List.of("tasks", "task_tombstones", "idempotency_keys",
			"credentials", "event_tickets", "refresh_tokens");

	@Autowired
	private DatabaseClient db;

	@Test
	void deleteMeWhenBuiltInAccountThenNoRowOfTheUserAndItsTokenRefused() {
		String email = "leaving-" + UUID.randomUUID() + "@example.com";
		JsonNode signedUp = this.client.post()
			.uri("/api/auth/sign-up")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("email", email, "password", "correct horse battery staple", "name", "Leaving"))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
		String user = signedUp.get("user").get("id").stringValue();
		WebTestClient client = bearer(signedUp.get("token").stringValue());
		String task = create(client, "First", null);
		create(client, "Second", UUID.randomUUID().toString());
		client.delete().uri(task).exchange().expectStatus().isNoContent();
		client.post().uri("/api/events/ticket").exchange().expectStatus().isOk();
		for (String table : TABLES_BY_USER_ID) {
			assertThat(count(table, "user_id", user)).as(table).isPositive();
		}

		client.delete().uri("/api/me").exchange().expectStatus().isNoContent();

		client.get().uri("/api/tasks").exchange().expectStatus().isUnauthorized();
		assertThat(count("users", "id", user)).isZero();
		for (String table : TABLES_BY_USER_ID) {
			assertThat(count(table, "user_id", user)).as(table).isZero();
		}
		this.client.post()
			.uri("/api/auth/sign-in")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("email", email, "password", "correct horse battery staple"))
			.exchange()
			.expectStatus()
			.isUnauthorized();
	}

	@Test
	void deleteMeWhenBetterAuthUserComesBackThenStartsWithNothing() throws InterruptedException {
		String user = newUser();
		String before = identityProvider.eddsa(user);
		create(bearer(before), "Old", null);

		bearer(before).delete().uri("/api/me").exchange().expectStatus().isNoContent();

		bearer(before).get().uri("/api/tasks").exchange().expectStatus().isUnauthorized();
		Thread.sleep(1100);
		bearer(identityProvider.eddsa(user)).get()
			.uri("/api/tasks")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.json("[]");
	}

	@Test
	void signOutEverywhereWhenDoneThenEarlierTokensRefusedAndLaterOnesWork() throws InterruptedException {
		String user = newUser();
		String first = identityProvider.hs256(user);
		String second = identityProvider.eddsa(user);
		String withoutIat = TestIdentityProvider.sign(
				TestIdentityProvider.hs256Signer(TestIdentityProvider.SECRET.getBytes(StandardCharsets.UTF_8)),
				JWSAlgorithm.HS256, null,
				new JWTClaimsSet.Builder(identityProvider.claims(user).build()).issueTime(null).build());
		bearer(first).get().uri("/api/tasks").exchange().expectStatus().isOk();
		bearer(second).get().uri("/api/tasks").exchange().expectStatus().isOk();
		bearer(withoutIat).get().uri("/api/tasks").exchange().expectStatus().isOk();

		bearer(first).post().uri("/api/me/sign-out-everywhere").exchange().expectStatus().isNoContent();

		bearer(first).get().uri("/api/tasks").exchange().expectStatus().isUnauthorized();
		bearer(second).get().uri("/api/tasks").exchange().expectStatus().isUnauthorized();
		// Cannot show it is newer: refused for good
		bearer(withoutIat).get().uri("/api/tasks").exchange().expectStatus().isUnauthorized();
		as(newUser()).get().uri("/api/tasks").exchange().expectStatus().isOk();
		Thread.sleep(1100);
		bearer(identityProvider.hs256(user)).get().uri("/api/tasks").exchange().expectStatus().isOk();
	}

	private WebTestClient bearer(String token) {
		return this.client.mutate().defaultHeaders((headers) -> headers.setBearerAuth(token)).build();
	}

	private static String create(WebTestClient client, String title, String key) {
		return client.post().uri("/api/tasks").contentType(MediaType.APPLICATION_JSON).headers((headers) -> {
			if (key != null) {
				headers.set("Idempotency-Key", key);
			}
		})
			.bodyValue(Map.of("title", title))
			.exchange()
			.expectStatus()
			.isCreated()
			.returnResult(String.class)
			.getResponseHeaders()
			.getLocation()
			.toString();
	}

	private long count(String table, String column, String user) {
		return this.db.sql("SELECT count(*) FROM " + table + " WHERE " + column + " = :user")
			.bind("user", user)
			.map((row) -> row.get(0, Long.class))
			.one()
			.block(Duration.ofSeconds(10));
	}

}
