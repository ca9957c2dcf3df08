package app.todo.user;

import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import app.todo.Replicas;
import app.todo.TestIdentityProvider;
import app.todo.security.TokenRevocations;

import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signing out everywhere and deleting an account on one replica refuses the earlier
 * tokens on the other within {@link TokenRevocations.READ_EVERY}, though it had checked
 * (and cached) them before.
 */
@ExtendWith(Replicas.Extension.class)
class RevocationReplicasTests {

	private static Replicas replicas;

	@BeforeAll
	static void start(Replicas started) {
		replicas = started;
	}

	@Test
	void signOutEverywhereOnOneReplicaThenOtherRefusesEarlierTokenWithinTheCacheTime() throws InterruptedException {
		assertRefusedOnSecondAfter("/api/me/sign-out-everywhere", true);
	}

	@Test
	void deleteMeOnOneReplicaThenOtherRefusesEarlierTokenWithinTheCacheTime() throws InterruptedException {
		assertRefusedOnSecondAfter("/api/me", false);
	}

	private static void assertRefusedOnSecondAfter(String path, boolean post) throws InterruptedException {
		String user = "replica-user-" + System.nanoTime();
		String token = TestIdentityProvider.get().hs256(user);
		assertThat(status(replicas.second(), token)).isEqualTo(200);
		WebTestClient first = replicas.first().mutate().defaultHeaders((h) -> h.setBearerAuth(token)).build();
		(post ? first.post().uri(path) : first.delete().uri(path)).exchange().expectStatus().isNoContent();
		long started = System.nanoTime();
		long deadline = started + TokenRevocations.READ_EVERY.plusSeconds(2).toNanos();
		int status = status(replicas.second(), token);
		while (status != 401 && System.nanoTime() < deadline) {
			Thread.sleep(200);
			status = status(replicas.second(), token);
		}
		System.out.printf("%s: refused on the other replica after %d ms%n", path,
				Duration.ofNanos(System.nanoTime() - started).toMillis());
		assertThat(status).isEqualTo(401);
		assertThat(status(replicas.first(), token)).isEqualTo(401);
	}

	private static int status(WebTestClient client, String token) {
		return client.get()
			.uri("/api/tasks")
			.headers((h) -> h.setBearerAuth(token))
			.exchange()
			.returnResult(Void.class)
			.getStatus()
			.value();
	}

}
