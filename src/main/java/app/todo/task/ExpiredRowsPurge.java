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
 * instance, in statements that run as they are on one PostgreSQL and on a Citus cluster
 * (whose shards take no {@code FOR UPDATE SKIP LOCKED} across them). Tombstones go user
 * by user: one statement per user locks the user's row, as every statement that changes
 * their tasks does, deletes their expired tombstones and counts them off the row, so that
 * it never deadlocks with a user's writes and their count stays exact; the users come
 * from one read of at most {@link #BATCH_SIZE}, and a run stops after
 * {@link #MAX_BATCHES} of them (the next one takes the rest). Keys are counted nowhere:
 * one {@code DELETE} of the expired ones, which expire at the rate they were claimed, so
 * that each run deletes about an interval's worth. Instances purging at once wait on each
 * other's locks and then find nothing left to delete. Nothing here blocks: the schedule
 * is a Reactor interval, the SQL is R2DBC.
 */
@Component
class ExpiredRowsPurge implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ExpiredRowsPurge.class);

	static final Duration IDEMPOTENCY_KEY_LIFETIME = Duration.ofHours(24);

	static final int BATCH_SIZE = 1000;

	static final int MAX_BATCHES = 100;

	private static final String EXPIRED = "deleted_at < now() - make_interval(secs => :age)";

	private static final String OWNERS_OF_EXPIRED_TOMBSTONES = "SELECT DISTINCT user_id FROM task_tombstones WHERE "
			+ EXPIRED + " LIMIT :batch";

	private static final String PURGE_TOMBSTONES = """
			WITH locked AS (SELECT 1 FROM users WHERE id = :userId FOR UPDATE),
			purged AS (
			  DELETE FROM task_tombstones WHERE user_id = :userId AND %s AND EXISTS (SELECT FROM locked)
			  RETURNING task_id
			),
			counted AS (
			  UPDATE users SET tombstone_count = greatest(0, users.tombstone_count - purged.tombstones)
			  FROM (SELECT count(*)::integer AS tombstones FROM purged) AS purged
			  WHERE users.id = :userId AND purged.tombstones > 0
			  RETURNING purged.tombstones
			)
			SELECT coalesce(sum(tombstones), 0)::bigint FROM counted""".formatted(EXPIRED);

	private static final String PURGE_KEYS = "DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => :age)";

	private final DatabaseClient db;

	private final SyncProperties properties;

	private volatile @Nullable Disposable schedule;

	ExpiredRowsPurge(DatabaseClient db, SyncProperties properties) {
		this.db = db;
		this.properties = properties;
	}

	/** One run: how many rows it deleted. */
	Mono<Long> purge() {
		return purgeTombstones(this.properties.tombstoneRetention().plus(TaskChangeFeed.TOMBSTONE_GRACE))
			.zipWith(this.db.sql(PURGE_KEYS)
				.bind("age", (double) IDEMPOTENCY_KEY_LIFETIME.toSeconds())
				.fetch()
				.rowsUpdated(), Long::sum);
	}

	private Mono<Long> purgeTombstones(Duration age) {
		double seconds = age.toSeconds();
		// A batch's users are read once its predecessor is purged: [users read,
		// tombstones
		// deleted]
		return Flux.range(0, MAX_BATCHES)
			.concatMap((batch) -> this.db.sql(OWNERS_OF_EXPIRED_TOMBSTONES)
				.bind("age", seconds)
				.bind("batch", BATCH_SIZE)
				.map((row) -> row.get(0, String.class))
				.all()
				.collectList()
				.flatMap((owners) -> Flux.fromIterable(owners)
					.concatMap((owner) -> this.db.sql(PURGE_TOMBSTONES)
						.bind("userId", owner)
						.bind("age", seconds)
						.map((row) -> row.get(0, Long.class))
						.one())
					.reduce(0L, Long::sum)
					.map((deleted) -> new long[] { owners.size(), deleted })))
			.takeUntil((batch) -> batch[0] < BATCH_SIZE)
			.reduce(0L, (sum, batch) -> sum + batch[1]);
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
