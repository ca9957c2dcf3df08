package app.todo.security;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * Per user, the time before which their tokens are refused (signing out everywhere,
 * deleting the account): one row of {@code token_revocations}, read at most once per
 * {@link #CACHE_FOR} per user and instance, so that the check of a request is a cache
 * lookup, and another replica refuses revoked tokens within that time.
 */
@Component
public class TokenRevocations {

	public static final Duration CACHE_FOR = Duration.ofSeconds(5);

	/*
	 * The next whole second: iat has seconds only, so a token of the current second could
	 * be from before this instant. Never moves back.
	 */
	private static final String REVOKE = """
			INSERT INTO token_revocations (user_id, tokens_valid_after)
			VALUES (:userId, date_trunc('second', now()) + interval '1 second')
			ON CONFLICT (user_id) DO UPDATE
			SET tokens_valid_after = greatest(token_revocations.tokens_valid_after, excluded.tokens_valid_after)
			RETURNING tokens_valid_after""";

	private static final String FIND = "SELECT tokens_valid_after FROM token_revocations WHERE user_id = :userId";

	private final DatabaseClient db;

	private final AsyncCache<String, Optional<Instant>> validAfter = Caffeine.newBuilder()
		.maximumSize(100_000)
		.expireAfterWrite(CACHE_FOR)
		.buildAsync();

	TokenRevocations(DatabaseClient db) {
		this.db = db;
	}

	/**
	 * Refuses every token of the user issued before the next whole second, in the
	 * transaction of the caller; this instance at once, the others within
	 * {@link #CACHE_FOR}.
	 */
	public Mono<Instant> revokeAll(String userId) {
		return this.db.sql(REVOKE)
			.bind("userId", userId)
			.map((row) -> row.get(0, Instant.class))
			.one()
			.doOnNext((after) -> this.validAfter.synchronous().put(userId, Optional.of(after)));
	}

	/** Whether a token of the user issued then (its iat, null if none) is still good. */
	public Mono<Boolean> isValid(String userId, @Nullable Instant issuedAt) {
		return Mono
			.fromFuture(this.validAfter.get(userId,
					(user, executor) -> this.db.sql(FIND)
						.bind("userId", user)
						.map((row) -> Optional.of(row.get(0, Instant.class)))
						.one()
						.defaultIfEmpty(Optional.empty())
						.toFuture()))
			.map((after) -> after.isEmpty() || (issuedAt != null && !issuedAt.isBefore(after.get())));
	}

}
