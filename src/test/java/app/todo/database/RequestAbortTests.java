package app.todo.database;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.PoolMetrics;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;

import app.todo.ApiTestSupport;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that give up at any moment (waiting for a connection, during the query, while
 * the answer is on its way) must not take pooled connections with them, on every route
 * that uses the database, as {@code TaskListCancellationTests} checks for the list.
 */
class RequestAbortTests extends ApiTestSupport {

	@LocalServerPort
	private int port;

	@Autowired
	private ConnectionPool pool;

	@Autowired
	private DatabaseClient db;

	@Test
	void everyDatabaseRouteWhenClientsGiveUpThenEveryConnectionReturnsToThePool() {
		String user = newUser();
		WebClient web = WebClient.builder()
			.baseUrl("http://127.0.0.1:" + this.port)
			.defaultHeaders((headers) -> headers.setBearerAuth(identityProvider.hs256(user)))
			.build();
		// Abandoned sign-ins count as failures: from an address of their own, not the
		// other tests' one
		String address = "127.9." + ThreadLocalRandom.current().nextInt(0, 256) + "."
				+ ThreadLocalRandom.current().nextInt(2, 255);
		WebClient anonymous = WebClient.builder()
			.clientConnector(new ReactorClientHttpConnector(
					HttpClient.create().bindAddress(() -> new InetSocketAddress(address, 0))))
			.baseUrl("http://127.0.0.1:" + this.port)
			.build();
		long id = as(user).post()
			.uri("/api/tasks")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"Contended\"}")
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody()
			.get("id")
			.asLong();
		String email = "abort-" + UUID.randomUUID() + "@example.com";
		as(user).post()
			.uri("/api/auth/sign-up")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("email", email, "password", "the right password", "name", "Abort"))
			.exchange()
			.expectStatus()
			.isCreated();
		List<Function<Integer, Mono<String>>> routes = List.of(
				(i) -> web.get().uri("/api/tasks/{id}", id).retrieve().bodyToMono(String.class),
				(i) -> web.patch()
					.uri("/api/tasks/{id}", id)
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue("{\"description\": \"" + i + "\"}")
					.retrieve()
					.bodyToMono(String.class),
				(i) -> web.patch().uri("/api/tasks/{id}/complete", id).retrieve().bodyToMono(String.class),
				(i) -> web.post()
					.uri("/api/tasks")
					.header("Idempotency-Key", "abort-" + (i % 40))
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue("{\"title\": \"Once " + (i % 40) + "\"}")
					.retrieve()
					.bodyToMono(String.class),
				(i) -> web.delete().uri("/api/tasks/{id}", Long.MAX_VALUE - i).retrieve().bodyToMono(String.class),
				(i) -> anonymous.post()
					.uri("/api/auth/sign-in")
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(Map.of("email", email, "password", "the right password"))
					.retrieve()
					.bodyToMono(String.class),
				(i) -> anonymous.get().uri("/readyz").retrieve().bodyToMono(String.class));
		Flux.range(0, 420)
			.flatMap((i) -> routes.get(i % routes.size())
				.apply(i)
				.timeout(Duration.ofMillis(ThreadLocalRandom.current().nextInt(1, 60)))
				.onErrorResume((ex) -> Mono.empty()), 200)
			.blockLast(Duration.ofSeconds(120));
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		PoolMetrics metrics = this.pool.getMetrics().orElseThrow();
		while (metrics.acquiredSize() > 0 && System.nanoTime() < deadline) {
			Mono.delay(Duration.ofMillis(100)).block();
		}
		assertThat(metrics.acquiredSize()).as("connections still held after every client gave up").isZero();
		// Every connection back in the pool is usable: an abandoned transaction once came
		// back
		// open and aborted, and failed whoever took that connection next with a 503
		List<String> failures = Flux.range(0, 3 * metrics.getMaxAllocatedSize())
			.flatMap(
					(i) -> this.db.sql("SELECT pg_sleep(0.02)")
						.fetch()
						.rowsUpdated()
						.then(Mono.<String>empty())
						.onErrorResume((ex) -> Mono.just(String.valueOf(ex.getMessage()))),
					metrics.getMaxAllocatedSize())
			.collectList()
			.block(Duration.ofSeconds(60));
		assertThat(failures).as("statements failing on pooled connections").isEmpty();
		as(user).get().uri("/api/tasks/{id}", id).exchange().expectStatus().isOk();
		// Racing, abandoned creates with one key still made one task per key
		List<JsonNode> tasks = as(user).get()
			.uri("/api/tasks?limit=200")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBodyList(JsonNode.class)
			.returnResult()
			.getResponseBody();
		assertThat(tasks.stream()
			.map((task) -> task.get("title").stringValue())
			.filter((title) -> title.startsWith("Once "))).doesNotHaveDuplicates();
	}

}
