package app.todo.ratelimit;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import app.todo.InvalidConfigurationException;
import app.todo.web.ClientAddressResolver;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What the settings do, without a server: off means off, bad numbers stop start-up, and
 * the buckets stay within their bound.
 */
class RateLimitsTests {

	@Test
	void filterWhenDisabledThenEveryRequestPassesWithoutHeaders() {
		RateLimits limits = limits(false, 1);
		for (int i = 0; i < 10; i++) {
			MockServerWebExchange exchange = exchange();
			StepVerifier.create(limits.filter().filter(exchange, (passed) -> Mono.empty()))
				.expectComplete()
				.verify(Duration.ofSeconds(5));
			assertThat(exchange.getResponse().getHeaders().containsHeader("RateLimit")).isFalse();
		}
	}

	@Test
	void filterWhenEnabledThenAnAddressThatSendsTooManyIsRefused() {
		RateLimits limits = limits(true, 3);
		for (int i = 0; i < 3; i++) {
			MockServerWebExchange exchange = exchange();
			StepVerifier.create(limits.filter().filter(exchange, (passed) -> Mono.empty()))
				.expectComplete()
				.verify(Duration.ofSeconds(5));
			assertThat(exchange.getResponse().getHeaders().getFirst("RateLimit"))
				.matches("\"address\";r=[0-2];t=[0-3]");
		}
		// 1 token a second comes back: keep asking until the bucket is dry, however slow
		// this machine
		Throwable refused = null;
		for (int i = 0; i < 10_000 && refused == null; i++) {
			refused = limits.filter()
				.filter(exchange(), (passed) -> Mono.empty())
				.then(Mono.<Throwable>empty())
				.onErrorResume(Mono::just)
				.block(Duration.ofSeconds(5));
		}
		assertThat(refused).isInstanceOf(RateLimitExceededException.class);
	}

	@Test
	void bucketsWhenMoreClientsThanTheBoundThenTheCacheStaysWithinIt() {
		TokenBuckets buckets = new TokenBuckets("address", 1, 3, 100, new SimpleMeterRegistry());
		for (int i = 0; i < 1000; i++) {
			buckets.consume("client-" + i);
		}
		assertThat(buckets.size()).isLessThanOrEqualTo(100);
	}

	@Test
	void propertiesWhenOutOfRangeThenInvalidNamingTheVariable() {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> new RateLimitProperties(true, 0, 100, 10, 100, 1000))
			.withMessageStartingWith("RATE_LIMIT_USER_RATE must be a whole number from 1 to");
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> new RateLimitProperties(true, 20, 100, 10, -1, 1000))
			.withMessageStartingWith("RATE_LIMIT_ADDRESS_BURST");
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> new RateLimitProperties(true, 20, 100, 10, 100, 0))
			.withMessageStartingWith("RATE_LIMIT_MAX_CLIENTS");
	}

	private static RateLimits limits(boolean enabled, int burst) {
		return new RateLimits(new RateLimitProperties(enabled, 1, burst, 1, burst, 1000), resolver(),
				new SimpleMeterRegistry());
	}

	private static ClientAddressResolver resolver() {
		return ClientAddressResolver.trusting(List.of());
	}

	private static MockServerWebExchange exchange() {
		return MockServerWebExchange
			.from(MockServerHttpRequest.get("/api/tasks").remoteAddress(new InetSocketAddress("203.0.113.5", 4000)));
	}

}
