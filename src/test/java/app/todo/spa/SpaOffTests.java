package app.todo.spa;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import app.todo.ApiTestSupport;

import org.springframework.http.MediaType;

/**
 * Without {@code SPA_ENABLED} (a deployment's default) the app's paths are unknown paths.
 */
class SpaOffTests extends ApiTestSupport {

	@ParameterizedTest
	@ValueSource(strings = { "/app", "/app/", "/app/main.js" })
	void getWhenTheAppIsOffThenNotFoundProblemAsForAnyUnknownPath(String path) {
		this.client.get()
			.uri(path)
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("Nothing is found at this path.");
	}

}
