package app.todo.task;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.PoolMetrics;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import app.todo.ApiTestSupport;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that give up on a list half-way (a closed tab, a load generator that stops)
 * must not take database connections with them: a load test once left the pool with every
 * connection "in use" and the API answering 503 for good.
 */
class TaskListCancellationTests extends ApiTestSupport {

	@LocalServerPort
	int port;

	@Autowired
	ConnectionPool pool;

	@Test
	void listWhenManyClientsGiveUpThenEveryConnectionReturnsToThePool() {
		String user = newUser();
		for (int i = 0; i < 50; i++) {
			as(user).post()
				.uri("/api/tasks")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"title\": \"Task " + i + "\", \"description\": \"" + "x".repeat(500) + "\"}")
				.exchange()
				.expectStatus()
				.isCreated();
		}
		WebClient web = WebClient.builder()
			.baseUrl("http://127.0.0.1:" + this.port)
			.defaultHeaders((headers) -> headers.setBearerAuth(identityProvider.hs256(user)))
			.build();
		// Far more requests than connections, each abandoned at a random moment: waiting
		// for a
		// connection, during the query, or while the body is on its way
		Flux.range(0, 400)
			.flatMap((i) -> web.get()
				.uri("/api/tasks?limit=50")
				.retrieve()
				.bodyToMono(String.class)
				.timeout(Duration.ofMillis(ThreadLocalRandom.current().nextInt(1, 60)))
				.onErrorResume((ex) -> Mono.empty()), 400)
			.blockLast(Duration.ofSeconds(60));
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		PoolMetrics metrics = this.pool.getMetrics().orElseThrow();
		while (metrics.acquiredSize() > 0 && System.nanoTime() < deadline) {
			Mono.delay(Duration.ofMillis(100)).block();
		}
		assertThat(metrics.acquiredSize()).as("connections still held after every client gave up").isZero();
		as(user).get().uri("/api/tasks").exchange().expectStatus().isOk();
	}

}
