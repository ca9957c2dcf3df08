package app.todo.security;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;

import app.todo.ApiTestSupport;
import app.todo.InvalidConfigurationException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsConfigurationSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Browsers on the allowed origins (https://app.example.com and the pattern
 * https://*.preview.example.com in the test context) may call the API; every other origin
 * gets no CORS headers. The development run's origins are {@link DevelopmentCorsTests}'.
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
	void preflightWhenEveryHeaderASpaSendsThenAllowed() {
		HttpHeaders headers = preflight(ALLOWED, "PATCH",
				"authorization,content-type,if-match,if-none-match,idempotency-key,traceparent,x-request-id")
			.expectStatus()
			.isOk()
			.returnResult(Void.class)
			.getResponseHeaders();
		assertThat(headers.getAccessControlAllowHeaders()).map(String::toLowerCase)
			.contains("authorization", "content-type", "if-match", "if-none-match", "idempotency-key", "traceparent",
					"x-request-id");
	}

	@Test
	void preflightWhenOriginMatchesAPatternThenAllowedAsThatOrigin() {
		preflight("https://pr-12.preview.example.com", "GET", "authorization").expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "https://pr-12.preview.example.com");
		for (String other : List.of("https://preview.example.com.evil.example", "http://pr-12.preview.example.com",
				"https://pr-12.preview.example.com:8443")) {
			preflight(other, "GET", "authorization").expectStatus()
				.isForbidden()
				.expectHeader()
				.doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);
		}
	}

	/** Only the development run (the dev profile) allows a dev server on localhost. */
	@Test
	void preflightWhenLocalhostDevServerWithoutTheDevProfileThenForbidden() {
		for (String devServer : List.of("http://localhost:5173", "http://127.0.0.1:3000")) {
			preflight(devServer, "GET", "authorization").expectStatus()
				.isForbidden()
				.expectHeader()
				.doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);
		}
	}

	@Test
	void originPatternsWhenMalformedOrTooWideThenRefused() {
		for (String origin : List.of("*", "https://app.example.com", "https://app.example.com/",
				"https://*.example.com", "http://localhost:[*]", "http://127.0.0.1:[*]", "http://localhost:3000",
				"http://[::1]:[*]")) {
			assertThatNoException().as(origin).isThrownBy(() -> CorsProperties.checkOrigin(origin));
		}
		for (String origin : List.of("app.example.com", "ftp://app.example.com", "https://app.example.com/app",
				"https://app.example.com?x", "https://*example.com", "https://app.*.com", "https://*",
				"http://localhost:[8080", "http://localhost:[8080,8081]", "https://user@app.example.com", "null")) {
			assertThatExceptionOfType(InvalidConfigurationException.class).as(origin)
				.isThrownBy(() -> CorsProperties.checkOrigin(origin))
				.withMessageContaining("CORS_ALLOWED_ORIGINS")
				.withMessageContaining(origin);
		}
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
		assertThat(exposed).contains("etag", "link", "location", "sync-token", "retry-after", "ratelimit",
				"ratelimit-policy", "x-request-id", "x-trace-id");
	}

	/**
	 * Location and Link are references from the root, for the browser to resolve against
	 * the answer's URL: nothing a client sends (Host, X-Forwarded-*) gets into them.
	 */
	@Test
	void postAndListWhenCrossOriginThenLocationAndLinkAreReferencesFromTheRoot() {
		WebTestClient client = as(newUser());
		for (int i = 0; i < 2; i++) {
			String location = client.post()
				.uri("/api/tasks")
				.header(HttpHeaders.ORIGIN, ALLOWED)
				.header("X-Forwarded-Proto", "https")
				.header("X-Forwarded-Host", "evil.example")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"title\": \"Task " + i + "\"}")
				.exchange()
				.expectStatus()
				.isCreated()
				.returnResult(Void.class)
				.getResponseHeaders()
				.getFirst(HttpHeaders.LOCATION);
			assertThat(location).matches("/api/tasks/[0-9]+");
			assertThat(URI.create("https://api.example.com/api/tasks").resolve(location))
				.hasToString("https://api.example.com" + location);
		}
		String link = client.get()
			.uri("/api/tasks?limit=1")
			.header(HttpHeaders.ORIGIN, ALLOWED)
			.header("X-Forwarded-Host", "evil.example")
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(Void.class)
			.getResponseHeaders()
			.getFirst(HttpHeaders.LINK);
		assertThat(link).startsWith("</api/tasks?").endsWith(">; rel=\"next\"").doesNotContain("evil");
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

	/**
	 * The refresh cookie's routes: credentials for the exact origins only, never for a
	 * pattern (nor {@code *}), and never on the other routes.
	 */
	@Test
	void preflightWhenAuthRoutesThenCredentialsForExactOriginsOnly() {
		for (String path : List.of("/api/auth/refresh", "/api/auth/sign-out", "/api/auth/sign-in")) {
			HttpHeaders headers = preflight(path, ALLOWED, "POST", "x-requested-with").expectStatus()
				.isOk()
				.expectHeader()
				.valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, ALLOWED)
				.returnResult(Void.class)
				.getResponseHeaders();
			assertThat(headers.getAccessControlAllowCredentials()).as(path).isTrue();
			assertThat(headers.getAccessControlAllowHeaders()).map(String::toLowerCase).contains("x-requested-with");
			HttpHeaders pattern = preflight(path, "https://pr-7.preview.example.com", "POST", "x-requested-with")
				.expectStatus()
				.isOk()
				.expectHeader()
				.valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "https://pr-7.preview.example.com")
				.returnResult(Void.class)
				.getResponseHeaders();
			assertThat(pattern.getAccessControlAllowCredentials()).as(path).isFalse();
			preflight(path, "https://evil.example", "POST", "x-requested-with").expectStatus()
				.isForbidden()
				.expectHeader()
				.doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS);
		}
		for (String path : List.of("/api/tasks", "/api/me", "/api/me/password")) {
			HttpHeaders headers = preflight(path, ALLOWED, "POST", "authorization").expectStatus()
				.isOk()
				.returnResult(Void.class)
				.getResponseHeaders();
			assertThat(headers.getAccessControlAllowCredentials()).as(path).isFalse();
		}
		this.client.post()
			.uri("/api/auth/refresh")
			.header(HttpHeaders.ORIGIN, ALLOWED)
			.header("X-Requested-With", "fetch")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, ALLOWED)
			.expectHeader()
			.valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
	}

	/**
	 * With {@code *} among the origins, any origin may call without credentials, and only
	 * the exact ones with them, on the auth routes alone.
	 */
	@Test
	void corsConfigurationWhenAnyOriginAndAnExactOneThenCredentialsOnlyForTheExactOneOnAuthRoutes() {
		CorsConfigurationSource source = new SecurityConfiguration()
			.corsConfigurationSource(new CorsProperties(List.of("*", "https://app.example.com/")));
		assertThat(credentials(source, "/api/auth/refresh", "https://app.example.com")).isTrue();
		assertThat(credentials(source, "/api/auth/refresh", "https://evil.example")).isFalse();
		assertThat(credentials(source, "/api/auth/sign-out", "null")).isFalse();
		assertThat(credentials(source, "/api/tasks", "https://app.example.com")).isFalse();
		assertThat(source.getCorsConfiguration(MockServerWebExchange
			.from(MockServerHttpRequest.options("/app/").header(HttpHeaders.ORIGIN, "https://app.example.com"))))
			.isNull();
		CorsConfigurationSource patternsOnly = new SecurityConfiguration()
			.corsConfigurationSource(new CorsProperties(List.of("https://*.example.com", "*")));
		assertThat(credentials(patternsOnly, "/api/auth/refresh", "https://app.example.com")).isFalse();
	}

	private static boolean credentials(CorsConfigurationSource source, String path, String origin) {
		CorsConfiguration configuration = source.getCorsConfiguration(
				MockServerWebExchange.from(MockServerHttpRequest.options(path).header(HttpHeaders.ORIGIN, origin)));
		return Boolean.TRUE.equals(configuration.getAllowCredentials());
	}

	private WebTestClient.ResponseSpec preflight(String origin, String method, String requestHeaders) {
		return preflight("/api/tasks", origin, method, requestHeaders);
	}

	private WebTestClient.ResponseSpec preflight(String path, String origin, String method, String requestHeaders) {
		return this.client.options()
			.uri(path)
			.header(HttpHeaders.ORIGIN, origin)
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, method)
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, requestHeaders)
			.exchange();
	}

}
