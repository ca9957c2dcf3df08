package app.todo.security.jwt;

import java.time.Instant;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import app.todo.security.TokenRevocations;

import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * After every other check (and the {@link VerifiedTokenCache}), refuses a token issued
 * before its user signed out everywhere or deleted their account. The common case costs
 * one map lookup ({@link TokenRevocations}). A token without {@code iat} cannot show it
 * is newer: it is refused for a user who revoked their tokens, accepted otherwise. When
 * the database cannot be asked, the request fails with a 503, not a 401.
 */
final class RevocationCheckingJwtDecoder implements ReactiveJwtDecoder {

	private final ReactiveJwtDecoder delegate;

	private final TokenRevocations revocations;

	RevocationCheckingJwtDecoder(ReactiveJwtDecoder delegate, TokenRevocations revocations) {
		this.delegate = delegate;
		this.revocations = revocations;
	}

	/**
	 * The token's {@code iat}; null when it had none, which Spring Security's claim
	 * converter fills in as {@code exp} minus one second: a token that claims to live one
	 * second is taken as one without {@code iat}, which only ever refuses more.
	 */
	private static @Nullable Instant issuedAt(Jwt jwt) {
		Instant issuedAt = jwt.getIssuedAt();
		Instant expiresAt = jwt.getExpiresAt();
		return (issuedAt == null || (expiresAt != null && issuedAt.equals(expiresAt.minusSeconds(1)))) ? null
				: issuedAt;
	}

	@Override
	public Mono<Jwt> decode(String token) {
		return this.delegate.decode(token)
			.flatMap((jwt) -> this.revocations.isValid(jwt.getSubject(), issuedAt(jwt))
				.onErrorMap((ex) -> !(ex instanceof JwtException),
						(ex) -> new JwtException("Could not check whether the token was revoked", ex))
				.flatMap((valid) -> valid ? Mono.just(jwt)
						: Mono.error(new BadJwtException("The token was revoked (signed out everywhere)"))));
	}

}
