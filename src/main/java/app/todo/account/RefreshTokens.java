package app.todo.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import app.todo.user.User;

import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The refresh tokens of the built-in accounts (changelog 009). A token is
 * {@code <user id>.<family id>.<256 random bits>}: the user and the family (one sign-in)
 * find its row, which holds only the SHA-256 digest of the family's current token. A
 * refresh swaps that digest for the next token's in one {@code UPDATE} that matches the
 * presented digest, so of two refreshes with one token only one succeeds; any other token
 * of a known family (an earlier one, already rotated) ends the family. A family started
 * before the user signed out everywhere, changed their password or deleted their account
 * is refused, as their access tokens are. At most {@link #MAX_SESSIONS} families per
 * user: a new sign-in ends the least recently refreshed beyond them. Expired families are
 * purged every {@link #PURGE_EVERY}.
 */
final class RefreshTokens implements SmartLifecycle {

	static final int MAX_SESSIONS = 100;

	static final Duration PURGE_EVERY = Duration.ofHours(1);

	static final int PURGE_BATCH = 1000;

	private static final int MAX_PURGE_BATCHES = 100;

	private static final Log logger = LogFactory.getLog(RefreshTokens.class);

	/**
	 * Anything else is no token, and costs no query. User ids of the built-in accounts
	 * are 32 letters and digits.
	 */
	private static final Pattern FORM = Pattern.compile(
			"([A-Za-z0-9]{1,64})\\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\.([A-Za-z0-9_-]{43})");

	/*
	 * The family starts no earlier than the user's last revocation, so that a sign-in in
	 * the same second as a sign-out everywhere (whose time is the next whole second)
	 * starts one that works; that time is also the least iat of the access token handed
	 * out with it. The new family is left out of those kept by name, not by the snapshot:
	 * on Citus the CTEs run one after the other, and the insert's row is visible to the
	 * delete.
	 */
	private static final String START = """
			WITH revoked AS (
			  SELECT max(tokens_valid_after) AS after FROM token_revocations WHERE user_id = :userId
			), started AS (
			  INSERT INTO refresh_tokens (user_id, family_id, token_hash, started_at, expires_at)
			  SELECT :userId, :familyId, :hash, greatest(now(), revoked.after), now() + make_interval(secs => :lifetime)
			  FROM revoked
			  RETURNING family_id
			), oldest AS (
			  DELETE FROM refresh_tokens WHERE user_id = :userId AND family_id IN (
			    SELECT family_id FROM refresh_tokens WHERE user_id = :userId AND family_id <> :familyId
			    ORDER BY refreshed_at DESC, family_id OFFSET :keep)
			)
			SELECT revoked.after FROM revoked, started""";

	/*
	 * The user named twice, so that Citus takes the users row from the user's shard only
	 */
	private static final String ROTATE = """
			WITH rotated AS (
			  UPDATE refresh_tokens t
			  SET token_hash = :next, refreshed_at = now(), expires_at = now() + make_interval(secs => :lifetime)
			  WHERE t.user_id = :userId AND t.family_id = :familyId AND t.token_hash = :presented
			    AND t.expires_at > now()
			    AND NOT EXISTS (SELECT 1 FROM token_revocations r
			                    WHERE r.user_id = t.user_id AND r.tokens_valid_after > t.started_at)
			  RETURNING t.user_id
			)
			SELECT u.id, u.email, u.name,
			  (SELECT max(tokens_valid_after) FROM token_revocations WHERE user_id = u.id) AS after
			FROM rotated JOIN users u ON u.id = rotated.user_id
			WHERE u.id = :userId""";

	/* A refresh that failed ends the family it names, if any. */
	private static final String END_FAILED = """
			DELETE FROM refresh_tokens WHERE user_id = :userId AND family_id = :familyId
			RETURNING token_hash <> :presented AS reused""";

	private static final String END = "DELETE FROM refresh_tokens WHERE user_id = :userId AND family_id = :familyId";

	private static final String END_ALL = "DELETE FROM refresh_tokens WHERE user_id = :userId";

	/*
	 * By key, not ctid with SKIP LOCKED, which a table distributed by Citus takes in no
	 * statement across its shards (changelog 010): instances purging at once wait on each
	 * other's rows, then skip those gone.
	 */
	private static final String PURGE = """
			DELETE FROM refresh_tokens WHERE (user_id, family_id) IN (
			  SELECT user_id, family_id FROM refresh_tokens WHERE expires_at < now() LIMIT :batch)""";

	private final SecureRandom random = new SecureRandom();

	private final DatabaseClient db;

	private final Duration lifetime;

	private volatile @Nullable Disposable purge;

	RefreshTokens(DatabaseClient db, Duration lifetime) {
		this.db = db;
		this.lifetime = lifetime;
	}

	Duration lifetime() {
		return this.lifetime;
	}

	/**
	 * Starts a family for the user (a sign-in), in the caller's transaction if any.
	 */
	Mono<Started> start(String userId) {
		UUID family = UUID.randomUUID();
		String token = token(userId, family);
		return this.db.sql(START)
			.bind("userId", userId)
			.bind("familyId", family)
			.bind("hash", digest(token))
			.bind("lifetime", (double) this.lifetime.toSeconds())
			.bind("keep", MAX_SESSIONS - 1)
			.map((row) -> new Started(token, row.get("after", Instant.class)))
			.one();
	}

	/**
	 * The next token of the presented one's family, and its user; empty when the token is
	 * unknown, malformed, expired, revoked or already used (which ends its family).
	 */
	Mono<Rotated> rotate(String presented) {
		Matcher token = FORM.matcher(presented);
		if (!token.matches()) {
			return Mono.empty();
		}
		String userId = token.group(1);
		UUID family = UUID.fromString(token.group(2));
		String next = token(userId, family);
		byte[] presentedHash = digest(presented);
		return this.db.sql(ROTATE)
			.bind("userId", userId)
			.bind("familyId", family)
			.bind("presented", presentedHash)
			.bind("next", digest(next))
			.bind("lifetime", (double) this.lifetime.toSeconds())
			.map((row) -> new Rotated(next,
					new User(row.get("id", String.class), row.get("email", String.class),
							row.get("name", String.class)),
					row.get("after", Instant.class)))
			.one()
			.switchIfEmpty(Mono.defer(() -> endFailed(userId, family, presentedHash)));
	}

	private Mono<Rotated> endFailed(String userId, UUID family, byte[] presented) {
		return this.db.sql(END_FAILED)
			.bind("userId", userId)
			.bind("familyId", family)
			.bind("presented", presented)
			.map((row) -> Boolean.TRUE.equals(row.get("reused", Boolean.class)))
			.one()
			.filter(Boolean::booleanValue)
			// handle(), as Reactor restores the request's MDC for it alone
			.handle((reused,
					sink) -> logger.warn("A refresh token that had already been used came back: every "
							+ "refresh token of its sign-in is revoked (user " + userId + ")"))
			.then(Mono.empty());
	}

	/** Ends the family of the token, whichever of its tokens it is; false if none. */
	Mono<Boolean> end(String presented) {
		Matcher token = FORM.matcher(presented);
		if (!token.matches()) {
			return Mono.just(false);
		}
		return this.db.sql(END)
			.bind("userId", token.group(1))
			.bind("familyId", UUID.fromString(token.group(2)))
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows > 0);
	}

	/** Ends every family of the user, in the caller's transaction if any. */
	Mono<Long> endAll(String userId) {
		return this.db.sql(END_ALL).bind("userId", userId).fetch().rowsUpdated();
	}

	/** One run: how many expired families it deleted. */
	Mono<Long> purge() {
		return Flux.range(0, MAX_PURGE_BATCHES)
			.concatMap((batch) -> this.db.sql(PURGE).bind("batch", PURGE_BATCH).fetch().rowsUpdated())
			.takeUntil((deleted) -> deleted < PURGE_BATCH)
			.reduce(0L, Long::sum);
	}

	private String token(String userId, UUID family) {
		byte[] secret = new byte[32];
		this.random.nextBytes(secret);
		return userId + "." + family + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
	}

	static byte[] digest(String token) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void start() {
		this.purge = Flux.interval(PURGE_EVERY, PURGE_EVERY)
			.onBackpressureDrop()
			.concatMap((tick) -> purge().onErrorResume((ex) -> {
				logger
					.warn("Purging expired refresh tokens failed; next try in " + PURGE_EVERY + ": " + ex.getMessage());
				return Mono.empty();
			}))
			.subscribe();
	}

	@Override
	public void stop() {
		Disposable purge = this.purge;
		if (purge != null) {
			purge.dispose();
			this.purge = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.purge != null;
	}

	/**
	 * A new family's first token, and the user's last revocation (null if none): the
	 * access token handed out with it must not be older.
	 */
	record Started(String token, @Nullable Instant revokedBefore) {

		@Override
		public String toString() {
			return "Started[token=(hidden)]";
		}

	}

	/**
	 * The next token of a family, its user as the users row has them, and the user's last
	 * revocation (null if none).
	 */
	record Rotated(String token, User user, @Nullable Instant revokedBefore) {

		@Override
		public String toString() {
			return "Rotated[user=" + this.user.id() + "]";
		}

	}

}
