package app.todo.security.jwt;

import com.nimbusds.jose.JWSHeader;

import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * A further issuer of bearer tokens, such as the API's own accounts: declare one as a
 * bean and the token check routes to it every token whose header it {@linkplain #owns
 * owns}, before the Better Auth sources, and names it in the start-up line. Header checks
 * (size, {@code jku}, {@code x5u}, {@code jwk}, {@code x5c}, malformed {@code kid}) have
 * already passed.
 */
public interface BearerTokenSource {

	/**
	 * Names the source in the start-up line, such as "EdDSA tokens of the API's own
	 * accounts".
	 */
	String description();

	/**
	 * Whether the token is this source's to check, typically by its {@code kid}; cheap,
	 * never I/O.
	 */
	boolean owns(JWSHeader header);

	/**
	 * Checks the signature and the claims; {@link TokenValidators#standard} gives the
	 * checks every source makes ({@code exp} required, {@code sub} of 1 to 255
	 * characters, issuer, audience).
	 */
	ReactiveJwtDecoder decoder();

}
