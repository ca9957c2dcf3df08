package app.todo.task;

import java.time.Duration;

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
 * Deletes expired tombstones and idempotency keys, every {@code PURGE_INTERVAL}, on every
 * instance. Each batch is one statement that locks the rows it takes with
 * {@code SKIP LOCKED}, so instances purging at the same time share the work instead of
 * waiting on each other, and no batch holds many locks for long; a run stops after
 * {@link #MAX_BATCHES} and the next one takes the rest. Nothing here blocks: the schedule
 * is a Reactor interval, the SQL is R2DBC.
 */
@Component
class ExpiredRowsPurge implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ExpiredRowsPurge.class);

	static final Duration IDEMPOTENCY_KEY_LIFETIME = Duration.ofHours(24);

	static final int BATCH_SIZE = 1000;

	static final int MAX_BATCHES = 100;

	private static final String PURGE = """
			DELETE FROM %1$s WHERE ctid = ANY(ARRAY(
			  SELECT ctid FROM %1$s WHERE %2$s < now() - make_interval(secs => :age)
			  LIMIT :batch FOR UPDATE SKIP LOCKED))""";

	private final DatabaseClient db;

	private final SyncProperties properties;

	private volatile @Nullable Disposable schedule;

	ExpiredRowsPurge(DatabaseClient db, SyncProperties properties) {
		this.db = db;
		this.properties = properties;
	}

	/** One run: how many rows it deleted. */
	Mono<Long> purge() {
		return purge("task_tombstones", "deleted_at",
				this.properties.tombstoneRetention().plus(TaskChangeFeed.TOMBSTONE_GRACE))
			.zipWith(purge("idempotency_keys", "created_at", IDEMPOTENCY_KEY_LIFETIME), Long::sum);
	}

	private Mono<Long> purge(String table, String column, Duration age) {
		String sql = PURGE.formatted(table, column);
		return Flux.range(0, MAX_BATCHES)
			.concatMap((batch) -> this.db.sql(sql)
				.bind("age", (double) age.toSeconds())
				.bind("batch", BATCH_SIZE)
				.fetch()
				.rowsUpdated())
			.takeUntil((deleted) -> deleted < BATCH_SIZE)
			.reduce(0L, Long::sum);
	}

	@Override
	public void start() {
		Duration interval = this.properties.purgeInterval();
		this.schedule = Flux.interval(interval, interval)
			.onBackpressureDrop()
			.concatMap((tick) -> purge().onErrorResume((ex) -> {
				logger.warn("Purging expired tombstones and idempotency keys failed; next try in " + interval + ": "
						+ ex.getMessage());
				return Mono.empty();
			}))
			.subscribe((deleted) -> {
				if (deleted > 0) {
					logger.info("Purged " + deleted + " expired tombstones and idempotency keys");
				}
			});
	}

	@Override
	public void stop() {
		Disposable schedule = this.schedule;
		if (schedule != null) {
			schedule.dispose();
			this.schedule = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.schedule != null;
	}

}
