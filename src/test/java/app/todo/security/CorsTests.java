package app.todo.security;

import java.util.List;

import org.junit.jupiter.api.Test;

import app.todo.ApiTestSupport;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Browsers on the allowed origin (https://app.example.com in the test context) may call
 * the API; every other origin gets no CORS headers.
 */
class CorsTests extends ApiTestSupport {

	private static final String ALLOWED = "https://app.example.com";

	@Test
	void preflightWhenAllowedOriginThenOkWithoutToken() {
		HttpHeaders headers = preflight(ALLOWED, "POST", "authorization,content-type").expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, ALLOWED)
			.returnResult(Void.class)
			.getResponseHeaders();
		assertThat(headers.getAccessControlAllowMethods()).contains(HttpMethod.POST);
		assertThat(headers.getAccessControlAllowHeaders()).map(String::toLowerCase)
			.contains("authorization", "content-type");
		assertThat(headers.getAccessControlAllowCredentials()).isFalse();
		assertThat(headers.getFirst(HttpHeaders.WWW_AUTHENTICATE)).isNull();
	}

	@Test
	void preflightWhenTraceAndRequestIdHeadersThenAllowed() {
		HttpHeaders headers = preflight(ALLOWED, "GET", "authorization,traceparent,x-request-id").expectStatus()
			.isOk()
			.returnResult(Void.class)
			.getResponseHeaders();
		assertThat(headers.getAccessControlAllowHeaders()).map(String::toLowerCase)
			.contains("traceparent", "x-request-id");
	}

	@Test
	void preflightWhenOtherOriginThenForbiddenWithoutAllowOrigin() {
		preflight("https://evil.example", "POST", "authorization,content-type").expectStatus()
			.isForbidden()
			.expectHeader()
			.doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);
	}

	@Test
	void getWhenAllowedOriginThenAllowOriginAndExposedHeaders() {
		HttpHeaders headers = as(newUser()).get()
			.uri("/api/tasks")
			.header(HttpHeaders.ORIGIN, ALLOWED)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, ALLOWED)
			.returnResult(Void.class)
			.getResponseHeaders();
		List<String> exposed = headers.getAccessControlExposeHeaders().stream().map(String::toLowerCase).toList();
		assertThat(exposed).contains("link", "location", "retry-after", "ratelimit", "ratelimit-policy", "x-request-id",
				"x-trace-id");
	}

	@Test
	void getWhenAllowedOriginWithoutTokenThenUnauthorizedIsReadableByTheBrowser() {
		HttpHeaders headers = this.client.get()
			.uri("/api/tasks")
			.header(HttpHeaders.ORIGIN, ALLOWED)
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, ALLOWED)
			.expectHeader()
			.valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
			.returnResult(Void.class)
			.getResponseHeaders();
		assertThat(headers.getAccessControlExposeHeaders()).map(String::toLowerCase).contains("www-authenticate");
	}

	@Test
	void getWhenOtherOriginThenNoAllowOrigin() {
		as(newUser()).get()
			.uri("/api/tasks")
			.header(HttpHeaders.ORIGIN, "https://evil.example")
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectHeader()
			.doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);
	}

	private WebTestClient.ResponseSpec preflight(String origin, String method, String requestHeaders) {
		return this.client.options()
			.uri("/api/tasks")
			.header(HttpHeaders.ORIGIN, origin)
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, method)
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, requestHeaders)
			.exchange();
	}

}
