package app.todo.account;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import app.todo.ApiTestSupport;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Neither a password nor a token reaches the log, on any path of sign-up and sign-in.
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

}
