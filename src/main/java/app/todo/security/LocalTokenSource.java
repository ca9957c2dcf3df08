package app.todo.security;

import com.nimbusds.jose.jwk.JWKSet;

/**
 * Tokens the API signs itself (the built-in accounts). They are checked against these public
 * keys in process, never against a remote JWKS, with the same validators as any other token.
 */
public interface LocalTokenSource {

	String issuer();

	String audience();

	/** The public keys, each with a {@code kid}; a token naming one of them is checked here. */
	JWKSet publicKeys();

	/** What the start-up line says about this source. */
	String description();

}
