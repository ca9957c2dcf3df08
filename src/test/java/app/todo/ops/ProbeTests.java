package app.todo.ops;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.PoolMetrics;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

import app.todo.ApiTestSupport;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The probes are public and never limited: a flood of readiness probes must not take the
 * pool's connections from everyone else.
 */
class ProbeTests extends ApiTestSupport {

	@LocalServerPort
	private int port;

	@Autowired
	private ConnectionPool pool;

	@Test
	void readyzWhenFloodedThenTheDatabaseIsAskedAboutOnceASecondAndOthersAreServed() {
		WebClient web = WebClient.create("http://127.0.0.1:" + this.port);
		PoolMetrics metrics = this.pool.getMetrics().orElseThrow();
		AtomicInteger busiest = new AtomicInteger();
		Disposable sampler = Flux.interval(Duration.ofMillis(1))
			.subscribe((tick) -> busiest.accumulateAndGet(metrics.acquiredSize() + metrics.pendingAcquireSize(),
					Math::max));
		long start = System.nanoTime();
		try {
			Flux.range(0, 600)
				.flatMap((i) -> web.get()
					.uri((i % 2 == 0) ? "/readyz" : "/actuator/health/readiness")
					.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value())),
						200)
				.doOnNext((status) -> assertThat(status).isEqualTo(200))
				.blockLast(Duration.ofSeconds(60));
		}
		finally {
			sampler.dispose();
		}
		long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
		// One check a second, and whatever the other tests' background work holds
		assertThat(busiest.get()).as("connections held or awaited at once, over %d s", seconds).isLessThanOrEqualTo(3);
		as(newUser()).get().uri("/api/tasks").exchange().expectStatus().isOk();
	}

}
