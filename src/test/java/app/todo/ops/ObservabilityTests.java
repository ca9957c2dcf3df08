package app.todo.ops;

import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

import app.todo.TestIdentityProvider;
import app.todo.TestcontainersConfiguration;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an operator scrapes and probes, with the actuator on its own port as in
 * production: probes on both ports, metrics, health details and the build's version only
 * on the management port, HTTP timings labelled by route template (never a task id or a
 * user id) in histograms, the refusal counters, and W3C trace context continued from the
 * caller.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "todo.database.url=", "todo.database.embedded-directory=",
				"todo.auth.secret=" + TestIdentityProvider.SECRET, "management.server.port=0",
				// A run full of rejected tokens from one address: over the default rate
				// limit by design
				"todo.rate-limit.enabled=false" })
@AutoConfigureWebTestClient(timeout = "30s")
@AutoConfigureMetrics
@AutoConfigureTracing
@Import({ TestcontainersConfiguration.class, ObservabilityTests.FailingRoute.class })
@ExtendWith(OutputCaptureExtension.class)
class ObservabilityTests {

	private static final TestIdentityProvider identityProvider = TestIdentityProvider.get();

	@Autowired
	private WebTestClient client;

	@LocalManagementPort
	private int managementPort;

	@Autowired
	private BuildProperties build;

	private WebTestClient management() {
		return WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.managementPort)
			.responseTimeout(Duration.ofSeconds(30))
			.build();
	}

	@Test
	void probesWhenManagementPortIsSetThenUpOnBothPortsWithoutDetails() {
		for (String probe : new String[] { "/actuator/health/liveness", "/actuator/health/readiness" }) {
			management().get()
				.uri(probe)
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.json("{\"status\":\"UP\"}", true);
		}
		for (String probe : new String[] { "/livez", "/readyz" }) {
			this.client.get()
				.uri(probe)
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.json("{\"status\":\"UP\"}", true);
		}
	}

	@Test
	void healthWhenManagementPortIsSetThenDetailsThereAndNoActuatorOnThePublicPort() {
		management().get()
			.uri("/actuator/health")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP")
			.jsonPath("$.components.r2dbc.status")
			.isEqualTo("UP")
			.jsonPath("$.components.r2dbc.details.database")
			.isEqualTo("PostgreSQL")
			.jsonPath("$.components.readinessState.status")
			.isEqualTo("UP");
		management().get()
			.uri("/actuator/health/r2dbc")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.details.database")
			.isEqualTo("PostgreSQL");
		for (String path : new String[] { "/actuator/health", "/actuator/health/r2dbc", "/actuator/info" }) {
			this.client.get().uri(path).exchange().expectStatus().isNotFound();
		}
	}

	@Test
	void infoWhenManagementPortIsSetThenTheBuildsVersionThere() {
		management().get()
			.uri("/actuator/info")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.build.version")
			.isEqualTo(this.build.getVersion())
			.jsonPath("$.build.artifact")
			.isEqualTo("todo-api");
	}

	@Test
	void prometheusThenLatencyHistogramsAndTheRefusalCounters() {
		String user = "histogram-" + UUID.randomUUID();
		this.client.get()
			.uri("/api/tasks")
			.header("Authorization", "Bearer " + identityProvider.hs256(user))
			.exchange()
			.expectStatus()
			.isOk();
		String wrongSignIns = "todo_sign_in_refusals_total{reason=\"wrong_credentials\"}";
		double before = sample(scrape(), wrongSignIns);
		this.client.post()
			.uri("/api/auth/sign-in")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(
					"{\"email\": \"nobody-" + UUID.randomUUID() + "@example.com\", \"password\": \"not the password\"}")
			.exchange()
			.expectStatus()
			.isUnauthorized();

		String scrape = scrape();
		// Bounded buckets, the same for every route: p95 and p99 with histogram_quantile
		Matcher buckets = Pattern.compile("http_server_requests_seconds_bucket\\{([^}]*)\\}").matcher(scrape);
		java.util.Set<String> bounds = new java.util.TreeSet<>();
		while (buckets.find()) {
			String labels = buckets.group(1);
			if (labels.contains("uri=\"/api/tasks\"") && labels.contains("status=\"200\"")) {
				bounds.add(labels.replaceAll(".*le=\"([^\"]+)\".*", "$1"));
			}
		}
		assertThat(bounds).contains("0.005", "0.05", "0.1", "1.0", "10.0", "+Inf").hasSizeLessThanOrEqualTo(12);
		assertThat(sample(scrape, wrongSignIns)).isEqualTo(before + 1);
		assertThat(scrape).contains("todo_sign_in_refusals_total{reason=\"too_many_failures\"}",
				"todo_rate_limit_refusals_total{limit=\"user\"}", "todo_rate_limit_refusals_total{limit=\"address\"}");
	}

	private String scrape() {
		return management().get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
	}

	private static double sample(String scrape, String series) {
		Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
		assertThat(matcher.find()).as(series + " in the scrape").isTrue();
		return Double.parseDouble(matcher.group(1));
	}

	@Test
	void prometheusWhenManagementPortIsSetThenServedThereAndNotOnThePublicPort() {
		this.client.get().uri("/actuator/prometheus").exchange().expectStatus().isNotFound();
		management().get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.TEXT_PLAIN);
	}

	@Test
	void prometheusAfterRealRequestsThenRouteTemplatesAndNoRawIds() {
		String user = "metrics-" + UUID.randomUUID();
		WebTestClient alice = this.client.mutate()
			.defaultHeaders((headers) -> headers.setBearerAuth(identityProvider.hs256(user)))
			.build();
		String id = alice.post()
			.uri("/api/tasks")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"Scrape me\"}")
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody()
			.replaceAll("(?s).*\"id\":(\\d+).*", "$1");
		alice.get().uri("/api/tasks/" + id).exchange().expectStatus().isOk();
		alice.get().uri("/api/" + user + "/tasks/" + id).exchange().expectStatus().isOk();
		alice.patch().uri("/api/" + user + "/tasks/" + id + "/complete").exchange().expectStatus().isOk();
		alice.get().uri("/api/tasks/987654321987").exchange().expectStatus().isNotFound();
		alice.get().uri("/no/such/route/" + user).exchange().expectStatus().isNotFound();
		this.client.get().uri("/api/" + user + "/tasks").exchange().expectStatus().isUnauthorized();

		String scrape = scrape();

		assertThat(uris(scrape))
			.contains("/api/tasks", "/api/tasks/{id}", "/api/{user_id}/tasks/{id}",
					"/api/{user_id}/tasks/{id}/complete", "NOT_FOUND")
			.allSatisfy(
					(uri) -> assertThat(uri).doesNotContain(id).doesNotContain(user).doesNotContain("987654321987"));
		assertThat(scrape).doesNotContain(user).doesNotContain("987654321987");
		assertThat(scrape).contains("http_server_requests_seconds_count{", "r2dbc_pool_acquired_connections{",
				"r2dbc_pool_max_allocated_connections{", "jvm_memory_used_bytes", "jvm_threads_live_threads",
				"reactor_netty_");
	}

	@Test
	void requestWithTraceparentThenTheTraceContinuesAndTheResponseNamesIt() {
		String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
		this.client.get()
			.uri("/api/tasks")
			.header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
			.header("Authorization", "Bearer " + identityProvider.hs256("trace-" + UUID.randomUUID()))
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals(RequestIds.TRACE_HEADER, traceId)
			.expectHeader()
			.valueMatches(RequestIds.HEADER, "[0-9a-f]{24}");

		// Without one, a new trace starts; a request id offered by the caller is kept if
		// it is sane
		this.client.get()
			.uri("/no-such-route")
			.header(RequestIds.HEADER, "lb-42.abc")
			.exchange()
			.expectHeader()
			.valueMatches(RequestIds.TRACE_HEADER, "[0-9a-f]{32}")
			.expectHeader()
			.valueEquals(RequestIds.HEADER, "lb-42.abc");
		this.client.get()
			.uri("/no-such-route")
			.header(RequestIds.HEADER, "two words\"")
			.exchange()
			.expectHeader()
			.valueMatches(RequestIds.HEADER, "[0-9a-f]{24}");
	}

	@Test
	void failureWhenLoggedOnAnotherThreadThenTheLineCarriesTheRequestAndTraceIds(CapturedOutput output) {
		String traceId = "0af7651916cd43dd8448eb211c80319c";
		this.client.get()
			.uri(FailingRoute.PATH)
			.header("traceparent", "00-" + traceId + "-b7ad6b7169203331-01")
			.header(RequestIds.HEADER, "failing-request-1")
			.exchange()
			.expectStatus()
			.isEqualTo(500);

		assertThat(output.getOut()
			.lines()
			.filter((line) -> line.contains("Unexpected error for GET " + FailingRoute.PATH))).singleElement()
			.satisfies((line) -> assertThat(line).contains("[failing-request-1," + traceId + ","));
	}

	/** A route that fails after a hop to a timer thread, as a database call would. */
	@TestConfiguration(proxyBeanMethods = false)
	static class FailingRoute {

		static final String PATH = "/test/failure";

		@Bean
		RouterFunction<ServerResponse> failingRoute() {
			return RouterFunctions.route()
				.GET(PATH,
						(request) -> Mono.delay(Duration.ofMillis(5))
							.then(Mono.error(new IllegalStateException("test"))))
				.build();
		}

	}

	private static java.util.Set<String> uris(String scrape) {
		java.util.Set<String> uris = new java.util.TreeSet<>();
		Matcher matcher = Pattern.compile("http_server_requests_seconds_count\\{[^}]*uri=\"([^\"]*)\"").matcher(scrape);
		while (matcher.find()) {
			uris.add(matcher.group(1));
		}
		return uris;
	}

}
