package app.todo.account;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import app.todo.ApiTestSupport;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Neither a password nor a token reaches the log, on any path of sign-up, sign-in,
 * refresh, sign-out and the password change.
 */
@ExtendWith(OutputCaptureExtension.class)
class AccountLoggingTests extends ApiTestSupport {

	@Test
	void signUpAndSignInWhenRightWrongOrTakenThenNoPasswordOrTokenInTheLog(CapturedOutput output) {
		String email = AccountApiTests.newEmail();
		String password = "log-canary-password-" + System.nanoTime();
		String wrong = "log-canary-wrong-" + System.nanoTime();
		String token = this.client.post()
			.uri("/api/auth/sign-up")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("email", email, "password", password, "name", "Canary"))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody()
			.get("token")
			.stringValue();
		this.client.post()
			.uri("/api/auth/sign-up")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("email", email, "password", password, "name", "Canary"))
			.exchange()
			.expectStatus()
			.isEqualTo(409);
		AccountApiTests.signIn(this.client, email, wrong).expectStatus().isUnauthorized();
		String again = AccountApiTests.signIn(this.client, email, password)
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody()
			.get("token")
			.stringValue();
		this.client.get()
			.uri("/api/me")
			.headers((headers) -> headers.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isOk();
		this.client.get()
			.uri("/api/me")
			.headers((headers) -> headers.setBearerAuth(again + "x"))
			.exchange()
			.expectStatus()
			.isUnauthorized();
		assertThat(output.getAll()).doesNotContain(password)
			.doesNotContain(wrong)
			.doesNotContain(token.substring(token.lastIndexOf('.') + 1))
			.doesNotContain(again.substring(again.lastIndexOf('.') + 1));
	}

	@Test
	void refreshSignOutAndPasswordChangeWhenRightWrongOrReusedThenNoTokenCookieOrPasswordInTheLog(
			CapturedOutput output) {
		String email = AccountApiTests.newEmail();
		String password = "log-canary-password-" + System.nanoTime();
		String changed = "log-canary-changed-" + System.nanoTime();
		EntityExchangeResult<JsonNode> signedUp = this.client.post()
			.uri("/api/auth/sign-up")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("email", email, "password", password, "name", "Canary"))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(JsonNode.class)
			.returnResult();
		String first = signedUp.getResponseCookies().getFirst(RefreshCookie.NAME).getValue();
		EntityExchangeResult<JsonNode> refreshed = refresh(first).expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult();
		String second = refreshed.getResponseCookies().getFirst(RefreshCookie.NAME).getValue();
		String access = refreshed.getResponseBody().get("token").stringValue();
		// Reused: ends the family, with a warning in the log
		refresh(first).expectStatus().isUnauthorized();
		refresh(second).expectStatus().isUnauthorized();
		EntityExchangeResult<JsonNode> changedPassword = this.client.post()
			.uri("/api/me/password")
			.headers((headers) -> headers.setBearerAuth(access))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("current_password", password, "new_password", changed))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult();
		String third = changedPassword.getResponseCookies().getFirst(RefreshCookie.NAME).getValue();
		this.client.post()
			.uri("/api/auth/sign-out")
			.header("X-Requested-With", "fetch")
			.cookie(RefreshCookie.NAME, third)
			.exchange()
			.expectStatus()
			.isNoContent();
		assertThat(output.getAll()).contains("A refresh token that had already been used came back")
			.doesNotContain(password)
			.doesNotContain(changed);
		for (String cookie : new String[] { first, second, third }) {
			assertThat(output.getAll()).doesNotContain(cookie.substring(cookie.lastIndexOf('.') + 1))
				.doesNotContain(cookie.substring(cookie.indexOf('.') + 1, cookie.lastIndexOf('.')));
		}
		String newAccess = changedPassword.getResponseBody().get("token").stringValue();
		assertThat(output.getAll()).doesNotContain(access.substring(access.lastIndexOf('.') + 1))
			.doesNotContain(newAccess.substring(newAccess.lastIndexOf('.') + 1));
	}

	private WebTestClient.ResponseSpec refresh(String token) {
		return this.client.post()
			.uri("/api/auth/refresh")
			.header("X-Requested-With", "fetch")
			.cookie(RefreshCookie.NAME, token)
			.exchange();
	}

}
