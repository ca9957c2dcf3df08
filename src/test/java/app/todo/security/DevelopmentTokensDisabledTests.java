package app.todo.security;

import org.junit.jupiter.api.Test;

import app.todo.ApiTestSupport;

/**
 * With a token source configured (the shared test context has a secret), development mode
 * is off: there is no token to be had for the asking.
 */
class DevelopmentTokensDisabledTests extends ApiTestSupport {

	@Test
	void postDevTokenWhenSecretConfiguredThenNotFound() {
		this.client.post().uri("/dev/token?sub=alice").exchange().expectStatus().isNotFound();
	}

}
