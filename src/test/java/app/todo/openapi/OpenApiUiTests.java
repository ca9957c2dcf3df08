package app.todo.openapi;

import java.net.URI;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import app.todo.ApiTestSupport;

import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The interactive UI at {@code /docs}: public, with its own files, and no other static
 * file.
 */
class OpenApiUiTests extends ApiTestSupport {

	@Test
	void docsAnswersWithTheSwaggerUiWithoutAToken() {
		URI index = URI.create("/docs");
		for (int redirects = 0; redirects < 3; redirects++) {
			var result = this.client.get().uri(index.toString()).exchange().returnResult(String.class);
			if (!result.getStatus().is3xxRedirection()) {
				break;
			}
			URI location = index.resolve(result.getResponseHeaders().getLocation());
			index = URI
				.create(location.getRawPath() + ((location.getRawQuery() != null) ? "?" + location.getRawQuery() : ""));
		}
		String html = this.client.get()
			.uri(index.toString())
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.TEXT_HTML)
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(html).contains("swagger-ui");
		Matcher assets = Pattern.compile("(?:src|href)=\"([^\"]+\\.(?:js|css))\"").matcher(html);
		int count = 0;
		while (assets.find()) {
			URI asset = index.resolve(assets.group(1));
			this.client.get().uri(asset.toString()).exchange().expectStatus().isOk();
			count++;
		}
		assertThat(count).as("scripts and styles of the UI").isGreaterThanOrEqualTo(3);
	}

	@Test
	void theUiIsConfiguredWithThisApisDocumentOnly() {
		this.client.get()
			.uri("/v3/api-docs/swagger-config")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.url")
			.isEqualTo("/v3/api-docs")
			.jsonPath("$.urls")
			.doesNotExist();
	}

	@Test
	void theDocumentIsServedAsYamlToo() {
		OpenApiContract.documentClient(this.client)
			.get()
			.uri("/v3/api-docs.yaml")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.value((yaml) -> assertThat(yaml).startsWith("openapi: 3.1"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "/index.html", "/favicon.ico", "/static/app.js", "/webjars/webjars-locator-lite/x.js",
			"/application.yaml", "/META-INF/MANIFEST.MF" })
	void noOtherStaticFileIsServed(String path) {
		this.client.get()
			.uri(path)
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

}
