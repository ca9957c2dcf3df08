package app.todo.security.jwt;

import java.time.Duration;
import java.time.Instant;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * Remembers tokens that passed every check, by their exact text, until they expire: a
 * browser sends the same token with every request for its 15 minutes, and a lookup costs
 * a fraction of a signature check (see docs/operators.md, "What a token check costs").
 * Bounded by the total length of the tokens held. Only verified tokens enter, so a flood
 * of forged ones cannot evict much but itself.
 */
final class VerifiedTokenCache implements ReactiveJwtDecoder {

	/** Tokens are at most 8 KiB; this holds thousands of typical ones in a few MiB. */
	static final long MAX_CHARACTERS = 8L * 1024 * 1024;

	private final ReactiveJwtDecoder delegate;

	private final Cache<String, Jwt> verified;

	VerifiedTokenCache(ReactiveJwtDecoder delegate) {
		this.delegate = delegate;
		this.verified = Caffeine.newBuilder()
			.maximumWeight(MAX_CHARACTERS)
			.<String, Jwt>weigher((token, jwt) -> token.length())
			.expireAfter(Expiry.<String, Jwt>creating((token, jwt) -> untilExpiry(jwt)))
			.build();
	}

	@Override
	public Mono<Jwt> decode(String token) {
		Jwt known = this.verified.getIfPresent(token);
		if (known != null && known.getExpiresAt() != null && known.getExpiresAt().isAfter(Instant.now())) {
			return Mono.just(known);
		}
		return this.delegate.decode(token).doOnNext((jwt) -> this.verified.put(token, jwt));
	}

	private static Duration untilExpiry(Jwt jwt) {
		Instant expiresAt = jwt.getExpiresAt();
		Duration left = (expiresAt != null) ? Duration.between(Instant.now(), expiresAt) : Duration.ZERO;
		return left.isNegative() ? Duration.ZERO : left;
	}

}
