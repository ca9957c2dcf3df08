package app.todo.security;

import java.text.ParseException;
import java.util.Map;
import java.util.stream.Collectors;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * Puts the API's own tokens in front of the other sources: a token whose {@code kid} is one of
 * the {@link LocalTokenSource}'s keys is checked with that key (EdDSA only) and the usual
 * validators; every other token goes on to the other sources. A made-up {@code kid} costs a
 * set lookup, and the API's own tokens never send the remote JWKS looking for their key.
 */
final class LocalTokenDecoder implements ReactiveJwtDecoder {

	private final Map<String, JWSVerifier> verifiers;

	private final ReactiveJwtDecoder local;

	private final @Nullable ReactiveJwtDecoder others;

	LocalTokenDecoder(LocalTokenSource source, OAuth2TokenValidator<Jwt> validator, @Nullable ReactiveJwtDecoder others) {
		this.verifiers = source.publicKeys()
			.getKeys()
			.stream()
			.collect(Collectors.toUnmodifiableMap(JWK::getKeyID, LocalTokenDecoder::verifier));
		NimbusReactiveJwtDecoder decoder = new NimbusReactiveJwtDecoder(this::verify);
		decoder.setJwtValidator(validator);
		this.local = decoder;
		this.others = others;
	}

	@Override
	public Mono<Jwt> decode(String token) {
		if (token.length() > AlgorithmRoutingJwtDecoder.MAX_TOKEN_LENGTH) {
			return Mono.error(new BadJwtException("The token is larger than 8 KiB"));
		}
		String keyId = keyId(token);
		if (keyId != null && this.verifiers.containsKey(keyId)) {
			return this.local.decode(token);
		}
		return (this.others != null) ? this.others.decode(token)
				: Mono.error(new BadJwtException("The token is not signed by a known key"));
	}

	private static JWSVerifier verifier(JWK key) {
		if (!(key instanceof OctetKeyPair okp) || okp.getKeyID() == null) {
			throw new IllegalArgumentException("The API signs its own tokens with Ed25519 keys that have a key id");
		}
		try {
			return new Ed25519Verifier(okp.toPublicJWK());
		}
		catch (JOSEException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

	private Mono<JWTClaimsSet> verify(JWT jwt) {
		if (!(jwt instanceof SignedJWT signed)) {
			return Mono.error(new BadJwtException("The token is not signed"));
		}
		JWSHeader header = signed.getHeader();
		if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm()) && !JWSAlgorithm.Ed25519.equals(header.getAlgorithm())) {
			return Mono.error(new BadJwtException("The token's algorithm is not accepted"));
		}
		JWSVerifier verifier = (header.getKeyID() != null) ? this.verifiers.get(header.getKeyID()) : null;
		if (verifier == null) {
			return Mono.error(new BadJwtException("The token is not signed by a known key"));
		}
		try {
			if (signed.verify(verifier)) {
				return Mono.just(signed.getJWTClaimsSet());
			}
			return Mono.error(new BadJwtException("The token's signature does not match its key"));
		}
		catch (JOSEException | ParseException | IllegalStateException ex) {
			return Mono.error(new BadJwtException("The token could not be verified", ex));
		}
	}

	private static @Nullable String keyId(String token) {
		int dot = token.indexOf('.');
		if (dot <= 0) {
			return null;
		}
		try {
			return JWSHeader.parse(new Base64URL(token.substring(0, dot))).getKeyID();
		}
		catch (ParseException ex) {
			return null;
		}
	}

}
