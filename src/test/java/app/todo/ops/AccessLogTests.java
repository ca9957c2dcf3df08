package app.todo.ops;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.nimbusds.jose.JWSAlgorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import app.todo.ApiTestSupport;
import app.todo.TestIdentityProvider;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The log of a run full of rejected and accepted tokens: one access line per request, and
 * not a token, a part of one, the shared secret or a password anywhere in it.
 */
@ExtendWith(OutputCaptureExtension.class)
class AccessLogTests extends ApiTestSupport {

	private static final String PASSWORD = "hunter2-" + UUID.randomUUID();

	@Test
	void requestsWithRejectedAndAcceptedTokensThenOneLinePerRequestAndNoSecretLogged(CapturedOutput output) {
		String user = newUser();
		List<String> rejected = List.of(expired(user), badSignature(user), algNone(user), garbage(), oversized(user),
				identityProvider.hs256(user).replace('.', '!'));
		List<String> accepted = List.of(identityProvider.hs256(user), identityProvider.eddsa(user),
				identityProvider.es256(user), identityProvider.rs256(user));

		for (String token : rejected) {
			this.client.get()
				.uri("/api/tasks")
				.header("Authorization", "Bearer " + token)
				.exchange()
				.expectStatus()
				.isUnauthorized();
			if (token.length() < 4000) {
				this.client.get()
					.uri("/api/tasks?access_token={token}&password={password}", token, PASSWORD)
					.exchange()
					.expectStatus()
					.isUnauthorized();
			}
		}
		List<String> requestIds = new ArrayList<>();
		for (String token : accepted) {
			String requestId = this.client.post()
				.uri("/api/" + user + "/tasks?password={password}", PASSWORD)
				.header("Authorization", "Bearer " + token)
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"title\": \"Logged, but never the token\"}")
				.exchange()
				.expectStatus()
				.isCreated()
				.returnResult(String.class)
				.getResponseHeaders()
				.getFirst(RequestIds.HEADER);
			requestIds.add(requestId);
		}

		// The line is written when the exchange completes, which may be just after the
		// client has the answer
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(output.getOut().lines().filter((line) -> line.contains("app.todo.access")))
				.filteredOn((line) -> requestIds.stream().anyMatch(line::contains))
				.hasSize(accepted.size())
				.allMatch((line) -> line.contains("POST /api/{user_id}/tasks 201 ")));
		assertThat(output.getOut()
			.lines()
			.filter((line) -> line.contains("app.todo.access")
					&& line.matches(".*: GET /api/tasks 401 \\d+ ms request_id=\\w+.*")))
			.hasSizeGreaterThanOrEqualTo(2 * rejected.size() - 1);

		String log = output.getAll();
		assertThat(log).doesNotContain(TestIdentityProvider.SECRET)
			.doesNotContain(PASSWORD)
			.doesNotContain("access_token");
		for (String token : concat(rejected, accepted)) {
			assertThat(log).doesNotContain(token);
			for (String part : token.split("[.!]")) {
				if (part.length() >= 16) {
					assertThat(log).as("a part of a token")
						.doesNotContain(part.substring(0, Math.min(part.length(), 64)));
				}
			}
		}
	}

	private static List<String> concat(List<String> first, List<String> second) {
		List<String> all = new ArrayList<>(first);
		all.addAll(second);
		return all;
	}

	private static String expired(String user) {
		Instant past = Instant.now().minus(Duration.ofHours(2));
		return TestIdentityProvider.sign(
				TestIdentityProvider.hs256Signer(TestIdentityProvider.SECRET.getBytes(StandardCharsets.UTF_8)),
				JWSAlgorithm.HS256, null,
				identityProvider.claims(user)
					.issueTime(Date.from(past))
					.expirationTime(Date.from(past.plusSeconds(60)))
					.build());
	}

	private static String badSignature(String user) {
		return TestIdentityProvider.sign(
				TestIdentityProvider
					.hs256Signer("another-secret-of-more-than-32-bytes-987654321".getBytes(StandardCharsets.UTF_8)),
				JWSAlgorithm.HS256, null, identityProvider.claims(user).build());
	}

	private static String algNone(String user) {
		Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
		return encoder.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "." + encoder
			.encodeToString(identityProvider.claims(user).build().toString().getBytes(StandardCharsets.UTF_8)) + ".";
	}

	private static String garbage() {
		return randomPart(40) + "." + randomPart(120) + "." + randomPart(43);
	}

	/** Over the 8 KiB the token check accepts, still within the header limit. */
	private static String oversized(String user) {
		return TestIdentityProvider.sign(
				TestIdentityProvider.hs256Signer(TestIdentityProvider.SECRET.getBytes(StandardCharsets.UTF_8)),
				JWSAlgorithm.HS256, null, identityProvider.claims(user).claim("padding", randomPart(9000)).build());
	}

	private static String randomPart(int length) {
		byte[] bytes = new byte[length];
		ThreadLocalRandom.current().nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).substring(0, length);
	}

}
