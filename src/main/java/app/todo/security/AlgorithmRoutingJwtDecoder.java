package app.todo.security;

import java.text.ParseException;
import java.util.Set;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * Sends each token to the one decoder that owns its algorithm: HS256 to the shared secret,
 * asymmetric algorithms to the JWK set. A token can never pick the key type it is checked
 * with, so an HS256 token signed with a public key (algorithm confusion) meets only the secret.
 */
final class AlgorithmRoutingJwtDecoder implements ReactiveJwtDecoder {

	static final int MAX_TOKEN_LENGTH = 8 * 1024;

	static final Set<JWSAlgorithm> ASYMMETRIC = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519, JWSAlgorithm.ES256,
			JWSAlgorithm.ES384, JWSAlgorithm.ES512, JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
			JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);

	private final @Nullable ReactiveJwtDecoder hmac;

	private final @Nullable ReactiveJwtDecoder asymmetric;

	AlgorithmRoutingJwtDecoder(@Nullable ReactiveJwtDecoder hmac, @Nullable ReactiveJwtDecoder asymmetric) {
		this.hmac = hmac;
		this.asymmetric = asymmetric;
	}

	@Override
	public Mono<Jwt> decode(String token) {
		if (token.length() > MAX_TOKEN_LENGTH) {
			return Mono.error(new BadJwtException("The token is larger than 8 KiB"));
		}
		JWSAlgorithm algorithm = algorithm(token);
		ReactiveJwtDecoder decoder = (algorithm == null) ? null : JWSAlgorithm.HS256.equals(algorithm) ? this.hmac
				: ASYMMETRIC.contains(algorithm) ? this.asymmetric : null;
		if (decoder == null) {
			return Mono.error(new BadJwtException("The token's algorithm is not accepted"));
		}
		return decoder.decode(token);
	}

	private static @Nullable JWSAlgorithm algorithm(String token) {
		int dot = token.indexOf('.');
		if (dot <= 0) {
			return null;
		}
		try {
			return JWSHeader.parse(new Base64URL(token.substring(0, dot))).getAlgorithm();
		}
		catch (ParseException ex) {
			// Not a JWS header: "alg":"none", an encrypted token or plain garbage
			return null;
		}
	}

}
