package app.todo.event;

import java.time.Duration;

import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.postgresql.api.PostgresqlResult;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import app.todo.database.ListenConnections;

import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The one connection of this instance that LISTENs to {@code task_changes} (see
 * {@code 007-live-updates.sql}), outside the requests' pool: a session of its own, which
 * a transaction-mode pooler cannot give, hence {@code DATABASE_LISTEN_URL}. A lost
 * connection is opened again, with a growing delay, and then every stream reads from its
 * floor, so that a change made meanwhile reaches it all the same.
 */
@Component
class ChangeListener implements SmartLifecycle {

	static final String CHANNEL = "task_changes";

	static final String APPLICATION_NAME = "todo-api-listener";

	private static final Log logger = LogFactory.getLog(ChangeListener.class);

	/**
	 * How often the connection is checked: a connection dropped without a word is found
	 * this soon.
	 */
	private static final Duration CHECK_INTERVAL = Duration.ofSeconds(30);

	private final ConnectionFactory connections;

	private final EventStreams streams;

	private volatile @Nullable Disposable listening;

	private volatile boolean listens;

	ChangeListener(EventProperties properties, R2dbcConnectionDetails database, EventStreams streams) {
		ConnectionFactoryOptions options = properties.hasListenUrl()
				? ListenConnections.options("DATABASE_LISTEN_URL", properties.listenUrl())
				: database.getConnectionFactoryOptions();
		// Named, so that operators tell it from the pool's connections in
		// pg_stat_activity
		this.connections = ConnectionFactories.get(ConnectionFactoryOptions.builder()
			.from(options)
			.option(PostgresqlConnectionFactoryProvider.APPLICATION_NAME, APPLICATION_NAME)
			.build());
		this.streams = streams;
	}

	/** Whether the connection listens now. */
	boolean listens() {
		return this.listens;
	}

	@Override
	public void start() {
		this.listening = Flux.defer(this::listen)
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(500))
				.maxBackoff(Duration.ofSeconds(15))
				.transientErrors(true)
				.doBeforeRetry((retry) -> {
					this.listens = false;
					logger.warn("Listening for task changes failed (" + retry.failure().getMessage()
							+ "); connecting again, after which open streams read what they missed");
				}))
			.subscribe();
	}

	private Flux<Object> listen() {
		return Flux.usingWhen(Mono.from(this.connections.create()).cast(PostgresqlConnection.class),
				(connection) -> connection.createStatement("LISTEN " + CHANNEL)
					.execute()
					.flatMap(PostgresqlResult::getRowsUpdated)
					.then(Mono.fromRunnable(() -> {
						this.listens = true;
						// Whatever changed while no connection listened
						this.streams.changedAll();
					}))
					.thenMany(Flux.merge(connection.getNotifications().map((notification) -> {
						String userId = notification.getParameter();
						if (userId != null) {
							this.streams.changed(userId);
						}
						return (Object) notification;
					}), Flux.interval(CHECK_INTERVAL)
						.concatMap((tick) -> connection.createStatement("SELECT 1")
							.execute()
							.flatMap(PostgresqlResult::getRowsUpdated)
							.then()
							.timeout(Duration.ofSeconds(10))
							.thenReturn((Object) tick))))
					.concatWith(Mono.error(() -> new IllegalStateException("the connection was closed"))),
				(connection) -> Mono.from(connection.close()).onErrorResume((ex) -> Mono.empty()));
	}

	@Override
	public void stop() {
		this.listens = false;
		Disposable listening = this.listening;
		if (listening != null) {
			listening.dispose();
			this.listening = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.listening != null;
	}

}
