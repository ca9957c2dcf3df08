package app.todo.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import app.todo.TestIdentityProvider;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limits through the real chain, with buckets small enough to run dry in a test: 3
 * requests at once, 1 more a second. The test's loopback connection plays the trusted
 * balancer, so each test names its own client address in {@code X-Forwarded-For}; the
 * balancer appends the address it saw to whatever the client sent, which is what the
 * spoofing test relies on.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "todo.database.url=", "todo.database.embedded-directory=",
				"todo.auth.secret=" + TestIdentityProvider.SECRET, "RATE_LIMIT_USER_RATE=1", "RATE_LIMIT_USER_BURST=3",
				"RATE_LIMIT_ADDRESS_RATE=1", "RATE_LIMIT_ADDRESS_BURST=3", "TRUSTED_PROXIES=127.0.0.1,::1" })
@AutoConfigureWebTestClient(timeout = "30s")
class RateLimitTests {

	private static final int BURST = 3;

	/** Enough requests at once that 1 token a second cannot keep up on any machine. */
	private static final int FLOOD = 30;

	private static final AtomicInteger addresses = new AtomicInteger();

	@Autowired
	WebTestClient client;

	@Autowired
	MeterRegistry meters;

	@Test
	void getWhenWithinBurstThenServedWithRateLimitHeaders() {
		String user = newUser();
		for (int i = 0; i < BURST; i++) {
			EntityExchangeResult<byte[]> result = get(user, newAddress(), "/api/tasks").expectStatus()
				.isOk()
				.expectBody()
				.returnResult();
			assertThat(result.getResponseHeaders().getFirst("RateLimit-Policy")).isEqualTo("\"user\";q=3;w=3");
			assertThat(result.getResponseHeaders().getFirst("RateLimit")).matches("\"user\";r=[0-2];t=[0-3]");
		}
	}

	@Test
	void getWhenUserFloodsThenTooManyRequestsProblemWithRetryAfter() {
		String user = newUser();
		List<EntityExchangeResult<byte[]>> results = flood(user, newAddress(), "/api/tasks");
		assertThat(results).filteredOn((result) -> result.getStatus() == HttpStatus.OK)
			.hasSizeGreaterThanOrEqualTo(BURST);
		EntityExchangeResult<byte[]> limited = results.stream()
			.filter((result) -> result.getStatus() == HttpStatus.TOO_MANY_REQUESTS)
			.findFirst()
			.orElseThrow(() -> new AssertionError("No request of " + FLOOD + " was limited"));
		HttpHeaders headers = limited.getResponseHeaders();
		assertThat(headers.getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		String retryAfter = headers.getFirst(HttpHeaders.RETRY_AFTER);
		assertThat(retryAfter).matches("[1-9]\\d*");
		assertThat(headers.getFirst("RateLimit-Policy")).isEqualTo("\"user\";q=3;w=3");
		// The reset and Retry-After name the same moment, as the draft asks
		assertThat(headers.getFirst("RateLimit")).isEqualTo("\"user\";r=0;t=" + retryAfter);
		assertThat(new String(limited.getResponseBodyContent())).contains("\"status\":429",
				"\"title\":\"Too Many Requests\"", "\"instance\":\"/api/tasks\"", "retry in");
	}

	@Test
	void getWhenOneUserIsLimitedThenAnotherUserFromTheSameAddressIsNot() {
		String address = newAddress();
		assertThat(flood(newUser(), address, "/api/tasks"))
			.anyMatch((result) -> result.getStatus() == HttpStatus.TOO_MANY_REQUESTS);
		get(newUser(), address, "/api/tasks").expectStatus().isOk();
	}

	@Test
	void getWhenNoTokenThenLimitedPerAddress() {
		String address = newAddress();
		List<EntityExchangeResult<byte[]>> results = flood(null, address, "/api/tasks");
		assertThat(results).allMatch((result) -> result.getStatus() == HttpStatus.UNAUTHORIZED
				|| result.getStatus() == HttpStatus.TOO_MANY_REQUESTS);
		assertThat(results).filteredOn((result) -> result.getStatus() == HttpStatus.UNAUTHORIZED)
			.hasSizeGreaterThanOrEqualTo(BURST)
			.allSatisfy((result) -> assertThat(result.getResponseHeaders().getFirst("RateLimit-Policy"))
				.isEqualTo("\"address\";q=3;w=3"));
		assertThat(results).anyMatch((result) -> result.getStatus() == HttpStatus.TOO_MANY_REQUESTS);
		// Another address is not affected
		get(null, newAddress(), "/api/tasks").expectStatus().isUnauthorized();
	}

	@Test
	void getWhenInvalidTokensThenLimitedPerAddress() {
		String address = newAddress();
		List<EntityExchangeResult<byte[]>> results = Flux.range(0, FLOOD)
			.parallel(FLOOD)
			.runOn(Schedulers.boundedElastic())
			.map((i) -> this.client.get()
				.uri("/api/tasks")
				.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestIdentityProvider.get().hs256("someone") + "x")
				.header("X-Forwarded-For", address)
				.exchange()
				.expectBody()
				.returnResult())
			.sequential()
			.collectList()
			.block(Duration.ofSeconds(60));
		assertThat(results).filteredOn((result) -> result.getStatus() == HttpStatus.UNAUTHORIZED)
			.hasSizeGreaterThanOrEqualTo(BURST);
		assertThat(results).anyMatch((result) -> result.getStatus() == HttpStatus.TOO_MANY_REQUESTS
				&& result.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER) != null);
		// A signed-in user counts against their own bucket, not the address's
		get(newUser(), address, "/api/tasks").expectStatus().isOk();
	}

	@Test
	void getWhenRefusedThenEachRefusalCountedByItsLimit() {
		double users = refusals("user");
		long userRefusals = flood(newUser(), newAddress(), "/api/tasks").stream()
			.filter((result) -> result.getStatus() == HttpStatus.TOO_MANY_REQUESTS)
			.count();
		assertThat(userRefusals).isPositive();
		assertThat(refusals("user") - users).isEqualTo(userRefusals);

		double addressesBefore = refusals("address");
		long addressRefusals = flood(null, newAddress(), "/api/tasks").stream()
			.filter((result) -> result.getStatus() == HttpStatus.TOO_MANY_REQUESTS)
			.count();
		assertThat(addressRefusals).isPositive();
		assertThat(refusals("address") - addressesBefore).isEqualTo(addressRefusals);
	}

	private double refusals(String limit) {
		return this.meters.get("todo.rate_limit.refusals").tag("limit", limit).counter().count();
	}

	@Test
	void getWhenProbeThenNeverLimited() {
		String address = newAddress();
		assertThat(flood(null, address, "/api/tasks"))
			.anyMatch((result) -> result.getStatus() == HttpStatus.TOO_MANY_REQUESTS);
		assertThat(Flux.range(0, 2 * BURST)
			.map((i) -> get(null, address, (i % 2 == 0) ? "/actuator/health/liveness" : "/readyz").expectBody()
				.returnResult())
			.collectList()
			.block(Duration.ofSeconds(60))).allSatisfy((result) -> {
				assertThat(result.getStatus()).isEqualTo(HttpStatus.OK);
				assertThat(result.getResponseHeaders().containsHeader("RateLimit")).isFalse();
			});
	}

	/**
	 * The actuator's root is no probe (see ProbePaths): an unlimited path would invite
	 * floods.
	 */
	@Test
	void getWhenActuatorRootThenLimitedLikeAnyPath() {
		assertThat(flood(null, newAddress(), "/actuator"))
			.anyMatch((result) -> result.getStatus() == HttpStatus.TOO_MANY_REQUESTS);
	}

	@Test
	void getWhenClientSpoofsForwardedForThenLimitedByTheAddressTheProxySaw() {
		String address = newAddress();
		List<EntityExchangeResult<byte[]>> results = Flux.range(0, FLOOD)
			.parallel(FLOOD)
			.runOn(Schedulers.boundedElastic())
			// A new made-up address each time, before the one the balancer appends
			.map((i) -> get(null, "198.51.100." + (i + 1) + ", " + address, "/api/tasks").expectBody().returnResult())
			.sequential()
			.collectList()
			.block(Duration.ofSeconds(60));
		assertThat(results).anyMatch((result) -> result.getStatus() == HttpStatus.TOO_MANY_REQUESTS);
	}

	/**
	 * One subscriber commonly holds a whole IPv6 /64: a fresh address in it is no fresh
	 * allowance.
	 */
	@Test
	void getWhenEveryRequestComesFromAnotherAddressOfOneIpv6NetworkThenLimitedTogether() {
		String network = "2001:db8:" + Integer.toHexString(addresses.incrementAndGet()) + ":7:";
		List<EntityExchangeResult<byte[]>> results = Flux.range(0, FLOOD)
			.parallel(FLOOD)
			.runOn(Schedulers.boundedElastic())
			.map((i) -> get(null, network + Integer.toHexString(i + 1) + ":0:0:" + Integer.toHexString(i * 7 + 1),
					"/api/tasks")
				.expectBody()
				.returnResult())
			.sequential()
			.collectList()
			.block(Duration.ofSeconds(60));
		assertThat(results).anyMatch((result) -> result.getStatus() == HttpStatus.TOO_MANY_REQUESTS);
		// Another /64 is another client
		get(null, "2001:db8:ffff:" + Integer.toHexString(addresses.incrementAndGet()) + "::1", "/api/tasks")
			.expectStatus()
			.isUnauthorized();
	}

	private List<EntityExchangeResult<byte[]>> flood(String user, String address, String path) {
		return Flux.range(0, FLOOD)
			.parallel(FLOOD)
			.runOn(Schedulers.boundedElastic())
			.map((i) -> get(user, address, path).expectBody().returnResult())
			.sequential()
			.collectList()
			.block(Duration.ofSeconds(60));
	}

	private WebTestClient.ResponseSpec get(String user, String forwardedFor, String path) {
		return this.client.get().uri(path).headers((headers) -> {
			if (user != null) {
				headers.setBearerAuth(TestIdentityProvider.get().hs256(user));
			}
			headers.set("X-Forwarded-For", forwardedFor);
		}).exchange();
	}

	private static String newUser() {
		return "user-" + UUID.randomUUID();
	}

	/** A documentation address (RFC 5737) no other test uses. */
	private static String newAddress() {
		return "203.0.113." + addresses.incrementAndGet();
	}

}
