package app.todo.security.jwt;

import java.text.ParseException;
import java.util.List;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import reactor.core.publisher.Mono;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.oauth2.jwt.BadJwtException;

/**
 * Checks a token's signature against the keys of a {@link RemoteJwkSet} and hands its
 * claims on for validation. Unlike Nimbus' stock key selector it accepts the OKP
 * (Ed25519) keys that Better Auth signs with by default, as well as EC and RSA keys.
 */
final class JwkSetClaimsVerifier implements Converter<JWT, Mono<JWTClaimsSet>> {

	private static final List<JOSEObjectType> ACCEPTED_TYPES = List.of(JOSEObjectType.JWT,
			new JOSEObjectType("at+jwt"));

	private final RemoteJwkSet jwkSet;

	JwkSetClaimsVerifier(RemoteJwkSet jwkSet) {
		this.jwkSet = jwkSet;
	}

	@Override
	public Mono<JWTClaimsSet> convert(JWT jwt) {
		if (!(jwt instanceof SignedJWT signed)) {
			return Mono.error(new BadJwtException("The token is not signed"));
		}
		JOSEObjectType type = signed.getHeader().getType();
		if (type != null && ACCEPTED_TYPES.stream()
			.noneMatch((accepted) -> accepted.toString().equalsIgnoreCase(type.toString()))) {
			return Mono.error(new BadJwtException("The token's type is not accepted"));
		}
		return this.jwkSet.verifiersFor(signed.getHeader()).handle((verifiers, sink) -> {
			try {
				for (JWSVerifier verifier : verifiers) {
					if (signed.verify(verifier)) {
						sink.next(signed.getJWTClaimsSet());
						return;
					}
				}
				sink.error(new BadJwtException("The token's signature does not match any known key"));
			}
			catch (JOSEException | ParseException | IllegalStateException ex) {
				sink.error(new BadJwtException("The token could not be verified", ex));
			}
		});
	}

}
