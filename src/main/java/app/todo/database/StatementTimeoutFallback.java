package app.todo.database;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.R2dbcException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Connections that carry {@code statement_timeout} as a startup parameter, as
 * {@code DATABASE_STATEMENT_TIMEOUT} asks, and from the first refusal on connections
 * without it. A transaction-mode pooler (PgBouncer, Neon's pooled URL) refuses every
 * startup parameter it cannot carry over to the server connection that each transaction
 * happens to get, and {@code statement_timeout} is one: there the server's own setting
 * applies, which the log says once, rather than no connection at all.
 */
final class StatementTimeoutFallback implements ConnectionFactory {

	private static final Log logger = LogFactory.getLog(StatementTimeoutFallback.class);

	/** What PgBouncer answers: a protocol violation naming the parameter. */
	private static final String PROTOCOL_VIOLATION = "08P01";

	private static final String WARNING = """
			The database refused statement_timeout as a connection parameter, as a transaction-mode pooler does (%s): \
			requests' statements run with the server's statement_timeout, not DATABASE_STATEMENT_TIMEOUT (%d ms). Set \
			it for the database user on the server (ALTER ROLE ... SET statement_timeout) or in the pooler (PgBouncer's \
			query_timeout); DATABASE_STATEMENT_TIMEOUT=0 leaves it to them without this warning.""";

	private final ConnectionFactory withTimeout;

	private final Duration timeout;

	private final ConnectionFactory withoutTimeout;

	private final AtomicBoolean refused = new AtomicBoolean();

	StatementTimeoutFallback(ConnectionFactory withTimeout, Duration timeout, ConnectionFactory withoutTimeout) {
		this.withTimeout = withTimeout;
		this.timeout = timeout;
		this.withoutTimeout = withoutTimeout;
	}

	@Override
	public Publisher<? extends Connection> create() {
		if (this.refused.get()) {
			return this.withoutTimeout.create();
		}
		return Mono.<Connection>from(this.withTimeout.create())
			.onErrorResume(StatementTimeoutFallback::isRefusal, (ex) -> {
				if (this.refused.compareAndSet(false, true)) {
					logger.warn(WARNING.formatted(ex.getMessage(), this.timeout.toMillis()));
				}
				return Mono.from(this.withoutTimeout.create());
			});
	}

	static boolean isRefusal(Throwable ex) {
		return ex instanceof R2dbcException refusal && PROTOCOL_VIOLATION.equals(refusal.getSqlState())
				&& String.valueOf(refusal.getMessage()).contains("statement_timeout");
	}

	@Override
	public ConnectionFactoryMetadata getMetadata() {
		return this.withTimeout.getMetadata();
	}

}
