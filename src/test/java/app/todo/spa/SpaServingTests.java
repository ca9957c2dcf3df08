package app.todo.spa;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import app.todo.ApiTestSupport;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reference app's files as the development run serves them (the {@code dev} profile):
 * public, revalidated by ETag, under a strict Content-Security-Policy, and nothing else
 * from the class path. The same application context as the browser tests.
 */
@ActiveProfiles("dev")
class SpaServingTests extends ApiTestSupport {

	private static final Pattern SCRIPT = Pattern.compile("<script\\b([^>]*)>", Pattern.CASE_INSENSITIVE);

	@Test
	void getAppWhenNoTokenThenThePageWithAStrictContentSecurityPolicy() {
		EntityExchangeResult<byte[]> result = this.client.get()
			.uri("/app/")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType("text/html;charset=UTF-8")
			.expectHeader()
			.valueEquals(HttpHeaders.CACHE_CONTROL, "no-cache")
			.expectHeader()
			.exists(HttpHeaders.ETAG)
			.expectHeader()
			.valueEquals("X-Content-Type-Options", "nosniff")
			.expectBody()
			.returnResult();
		String policy = result.getResponseHeaders().getFirst("Content-Security-Policy");
		assertThat(policy).contains("default-src 'none'", "script-src 'self';", "connect-src 'self'",
				"frame-ancestors 'none'");
		assertThat(policy).doesNotContain("unsafe-inline", "unsafe-eval", "*");
		String page = new String(result.getResponseBody(), StandardCharsets.UTF_8);
		Matcher scripts = SCRIPT.matcher(page);
		int count = 0;
		while (scripts.find()) {
			count++;
			assertThat(scripts.group(1)).as("every script is a file of the app, none inline").contains("src=");
		}
		assertThat(count).isPositive();
		assertThat(page).doesNotContain(" style=", " onclick=", " onload=", "javascript:");
	}

	@Test
	void getAppWithoutTheSlashThenRedirectedToIt() {
		this.client.get().uri("/app").exchange().expectStatus().isPermanentRedirect().expectHeader().location("/app/");
	}

	@ParameterizedTest
	@ValueSource(strings = { "main.js", "api.js", "live.js" })
	void getScriptThenJavaScriptThatBrowsersRunAsAModule(String file) {
		this.client.get()
			.uri("/app/" + file)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType("text/javascript;charset=UTF-8")
			.expectHeader()
			.valueEquals(HttpHeaders.CACHE_CONTROL, "no-cache");
	}

	@Test
	void getStyleSheetAndIconThenTheirTypes() {
		this.client.get().uri("/app/style.css").exchange().expectHeader().contentType("text/css;charset=UTF-8");
		this.client.get().uri("/app/icon.svg").exchange().expectHeader().contentType("image/svg+xml");
	}

	@Test
	void getWhenIfNoneMatchNamesTheFileThenNotModifiedWithoutABody() {
		String etag = this.client.get()
			.uri("/app/main.js")
			.exchange()
			.returnResult(byte[].class)
			.getResponseHeaders()
			.getETag();
		assertThat(etag).matches("\"[0-9a-f]{32}\"");
		this.client.get()
			.uri("/app/main.js")
			.header(HttpHeaders.IF_NONE_MATCH, etag)
			.exchange()
			.expectStatus()
			.isNotModified()
			.expectHeader()
			.valueEquals(HttpHeaders.ETAG, etag)
			.expectHeader()
			.valueEquals(HttpHeaders.CACHE_CONTROL, "no-cache")
			.expectBody()
			.isEmpty();
		this.client.get()
			.uri("/app/main.js")
			.header(HttpHeaders.IF_NONE_MATCH, "W/" + etag)
			.exchange()
			.expectStatus()
			.isNotModified();
		this.client.get()
			.uri("/app/main.js")
			.header(HttpHeaders.IF_NONE_MATCH, "\"something-else\"")
			.exchange()
			.expectStatus()
			.isOk();
	}

	@Test
	void headThenTheHeadersWithoutABody() {
		this.client.head()
			.uri("/app/")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.exists("Content-Security-Policy")
			.expectBody()
			.isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/app/missing.js", "/app/todo/TodoApplication.class", "/app/application.yaml",
			"/app/spa/index.html", "/app/index.html/x" })
	void getWhenNotAFileOfTheAppThenNotFoundProblem(String path) {
		this.client.get()
			.uri(path)
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(404);
	}

	@Test
	void postThenMethodNotAllowedWithAllow() {
		this.client.method(HttpMethod.POST)
			.uri("/app/")
			.exchange()
			.expectStatus()
			.isEqualTo(405)
			.expectHeader()
			.value(HttpHeaders.ALLOW, (allow) -> assertThat(allow).contains("GET", "HEAD"));
	}

	@Test
	void apiDocumentWhenTheAppIsServedThenItHasNoPathOfTheApp() {
		this.client.mutate()
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(4 * 1024 * 1024))
			.build()
			.get()
			.uri("/v3/api-docs")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.value((document) -> assertThat(document).contains("\"/api/tasks\"").doesNotContain("\"/app"));
	}

}
