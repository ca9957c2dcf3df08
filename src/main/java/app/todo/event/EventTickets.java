package app.todo.event;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * One-time tickets that open a stream from a URL ({@code EventSource} sends no headers):
 * 256 random bits, of which the database keeps only a SHA-256 digest, with the user and
 * when the token that asked for it expires. A ticket is consumed by the statement that
 * reads it, so it opens one stream at most, on any instance. Expired ones are purged
 * every minute.
 */
@Component
class EventTickets implements SmartLifecycle {

	static final Duration LIFETIME = Duration.ofSeconds(30);

	private static final Log logger = LogFactory.getLog(EventTickets.class);

	/** 32 bytes in unpadded base64url: anything else is no ticket, and costs no query. */
	private static final Pattern FORM = Pattern.compile("[A-Za-z0-9_-]{43}");

	private static final String ISSUE = """
			INSERT INTO event_tickets (ticket_hash, user_id, token_expires_at, expires_at)
			VALUES (:hash, :userId, :tokenExpiresAt, now() + make_interval(secs => :lifetime))""";

	private static final String CONSUME = """
			DELETE FROM event_tickets WHERE ticket_hash = :hash
			RETURNING user_id, token_expires_at, expires_at > now() AS valid""";

	private static final String PURGE = "DELETE FROM event_tickets WHERE expires_at < now()";

	private final SecureRandom random = new SecureRandom();

	private final DatabaseClient db;

	private volatile @Nullable Disposable purge;

	EventTickets(DatabaseClient db) {
		this.db = db;
	}

	/** Who a ticket stands for, and until when their stream may last. */
	record Holder(String userId, Instant tokenExpiresAt) {
	}

	private record Consumed(boolean valid, Holder holder) {
	}

	Mono<String> issue(String userId, Instant tokenExpiresAt) {
		byte[] bytes = new byte[32];
		this.random.nextBytes(bytes);
		String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
		return this.db.sql(ISSUE)
			.bind("hash", digest(ticket))
			.bind("userId", userId)
			.bind("tokenExpiresAt", tokenExpiresAt)
			.bind("lifetime", (double) LIFETIME.toSeconds())
			.fetch()
			.rowsUpdated()
			.thenReturn(ticket);
	}

	/** The ticket's holder, once; empty for a ticket unknown, used or expired. */
	Mono<Holder> consume(String ticket) {
		if (!FORM.matcher(ticket).matches()) {
			return Mono.empty();
		}
		return this.db.sql(CONSUME)
			.bind("hash", digest(ticket))
			.map((row) -> new Consumed(Boolean.TRUE.equals(row.get("valid", Boolean.class)),
					new Holder(row.get("user_id", String.class), row.get("token_expires_at", Instant.class))))
			.one()
			.filter((consumed) -> consumed.valid() && consumed.holder().tokenExpiresAt().isAfter(Instant.now()))
			.map(Consumed::holder);
	}

	Mono<Long> purge() {
		return this.db.sql(PURGE).fetch().rowsUpdated();
	}

	private static byte[] digest(String ticket) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(ticket.getBytes(StandardCharsets.US_ASCII));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void start() {
		Duration interval = Duration.ofMinutes(1);
		this.purge = Flux.interval(interval, interval)
			.onBackpressureDrop()
			.concatMap((tick) -> purge().onErrorResume((ex) -> {
				logger.warn("Purging expired event tickets failed; next try in " + interval + ": " + ex.getMessage());
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

}
