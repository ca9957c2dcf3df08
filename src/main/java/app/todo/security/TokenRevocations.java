package app.todo.security;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * Per user, the time before which their tokens are refused (signing out everywhere,
 * deleting the account): the rows of {@code token_revocations}, held in memory and read
 * again every {@link #READ_EVERY}, so that checking a request's token is a map lookup and
 * never a query, and another replica refuses revoked tokens within that time. The map
 * holds one entry per user who ever revoked their tokens (a few dozen bytes each).
 */
@Component
public class TokenRevocations implements InitializingBean, DisposableBean {

	public static final Duration READ_EVERY = Duration.ofSeconds(2);

	private static final Log logger = LogFactory.getLog(TokenRevocations.class);

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

	/*
	 * A minute of overlap with what was read before: a revocation whose transaction
	 * commits after a later one's is still read.
	 */
	private static final String READ = """
			SELECT user_id, tokens_valid_after FROM token_revocations
			WHERE tokens_valid_after > :since - interval '1 minute'""";

	private static final String FIND = "SELECT tokens_valid_after FROM token_revocations WHERE user_id = :userId";

	private final DatabaseClient db;

	private final Map<String, Instant> validAfter = new ConcurrentHashMap<>();

	private volatile Instant since = Instant.EPOCH;

	/** Until the first read, a check asks the database. */
	private volatile boolean read;

	private @Nullable Disposable reading;

	TokenRevocations(DatabaseClient db) {
		this.db = db;
	}

	@Override
	public void afterPropertiesSet() {
		this.reading = Flux.interval(Duration.ZERO, READ_EVERY)
			.onBackpressureDrop()
			.concatMap((tick) -> read(), 1)
			.subscribe();
	}

	@Override
	public void destroy() {
		if (this.reading != null) {
			this.reading.dispose();
		}
	}

	private Mono<Void> read() {
		return this.db.sql(READ)
			.bind("since", this.since)
			.map((row) -> Map.entry(row.get(0, String.class), row.get(1, Instant.class)))
			.all()
			.doOnNext((row) -> read(row.getKey(), row.getValue()))
			.then(Mono.fromRunnable(() -> this.read = true))
			.onErrorResume((ex) -> {
				// The database is away: the last rows read stay in force meanwhile
				logger.debug("Could not read token revocations: " + ex.getMessage());
				return Mono.empty();
			})
			.then();
	}

	private void read(String userId, Instant after) {
		remember(userId, after);
		if (after.isAfter(this.since)) {
			this.since = after;
		}
	}

	/**
	 * Refuses every token of the user issued before the next whole second, in the
	 * transaction of the caller: every instance within {@link #READ_EVERY} of its commit,
	 * and this one at once once it is {@link #remember remembered}.
	 */
	public Mono<Instant> revokeAll(String userId) {
		return this.db.sql(REVOKE).bind("userId", userId).map((row) -> row.get(0, Instant.class)).one();
	}

	/** A revocation this instance has committed: in force here from now on. */
	public void remember(String userId, Instant after) {
		this.validAfter.merge(userId, after, (old, added) -> added.isAfter(old) ? added : old);
	}

	/** Whether a token of the user issued then (its iat, null if none) is still good. */
	public Mono<Boolean> isValid(String userId, @Nullable Instant issuedAt) {
		if (this.read) {
			return Mono.just(isValid(this.validAfter.get(userId), issuedAt));
		}
		return this.db.sql(FIND)
			.bind("userId", userId)
			.map((row) -> row.get(0, Instant.class))
			.one()
			.map((after) -> isValid(after, issuedAt))
			.defaultIfEmpty(true);
	}

	private static boolean isValid(@Nullable Instant after, @Nullable Instant issuedAt) {
		return after == null || (issuedAt != null && !issuedAt.isBefore(after));
	}

}
