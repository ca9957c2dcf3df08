package app.todo.task;

import java.time.Instant;
import java.util.OptionalLong;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import app.todo.web.InvalidParameterException;

import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;

/**
 * The delta-sync feed as live updates read it: a user's changes at or after a floor, one
 * page at a time, in the order of the feed, and the sync tokens that mark where they were
 * read. Public for {@code app.todo.event}; its statements follow the feed's in
 * {@link TaskRepository}.
 */
@Component
public class TaskChangeLog {

	/** Rows of one page: a change is read and written before the next page is fetched. */
	public static final int PAGE_SIZE = 100;

	private static final String FLOOR = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS floor";

	private static final String PAGE = """
			SELECT * FROM (
			(SELECT change_xid, change_xid::text AS xid, false AS deleted, %1$s FROM tasks
			 WHERE user_id = :userId AND change_xid >= CAST(:floor AS xid8)
			   AND (change_xid, id) > (CAST(:afterXid AS xid8), :afterId)
			 ORDER BY change_xid, id LIMIT :fetch)
			UNION ALL
			(SELECT change_xid, change_xid::text AS xid, true, task_id, user_id, NULL, NULL, NULL, NULL, NULL, NULL,
			   NULL, deleted_at, NULL, NULL FROM task_tombstones
			 WHERE user_id = :userId AND change_xid >= CAST(:floor AS xid8)
			   AND (change_xid, task_id) > (CAST(:afterXid AS xid8), :afterId)
			 ORDER BY change_xid, task_id LIMIT :fetch)) AS changes
			ORDER BY change_xid, id LIMIT :fetch""".formatted(TaskRepository.COLUMNS);

	private final DatabaseClient db;

	private final SyncProperties properties;

	TaskChangeLog(DatabaseClient db, SyncProperties properties) {
		this.db = db;
		this.properties = properties;
	}

	/**
	 * One change: its kind ({@code task.created}, {@code task.updated},
	 * {@code task.deleted}) and body.
	 */
	public record Change(long xid, long taskId, String kind, Object body) {
	}

	/**
	 * A floor for a sync token: every transaction below it has ended, so every change not
	 * yet visible will be written by a transaction at or above it.
	 */
	public Mono<Long> floor() {
		return this.db.sql(FLOOR).map((row) -> Long.parseLong(row.get("floor", String.class))).one();
	}

	/** One page of the user's changes at or above the floor, after the given position. */
	public Flux<Change> page(String userId, long floor, long afterXid, long afterId) {
		return this.db.sql(PAGE)
			.bind("userId", userId)
			.bind("floor", Long.toString(floor))
			.bind("afterXid", Long.toString(afterXid))
			.bind("afterId", afterId)
			.bind("fetch", PAGE_SIZE)
			.map((row) -> {
				long xid = Long.parseLong(row.get("xid", String.class));
				long id = row.get("id", Long.class);
				if (Boolean.TRUE.equals(row.get("deleted", Boolean.class))) {
					return new Change(xid, id, "task.deleted",
							new TaskRepository.Tombstone(id, true, row.get("updated_at", Instant.class)));
				}
				Task task = TaskRepository.taskAt(row, 3);
				return new Change(xid, id, (task.version() == 1) ? "task.created" : "task.updated", task);
			})
			.all();
	}

	/**
	 * The sync token of a floor: what {@code updated_since} and {@code Last-Event-ID}
	 * resume from.
	 */
	public String token(String userId, long floor) {
		return SyncToken.after(floor, Instant.now()).encode(userId);
	}

	/**
	 * The floor of a sync token this API handed the user (of a finished delta sync, or an
	 * event id); empty for anything else; a {@code 410} when deletions since then may
	 * have been purged.
	 */
	public OptionalLong floorOf(String userId, String token) {
		SyncToken decoded;
		try {
			decoded = SyncToken.decode(token, userId);
		}
		catch (InvalidParameterException ex) {
			return OptionalLong.empty();
		}
		if (decoded.floor() == null || decoded.since() == null || decoded.page() != null) {
			return OptionalLong.empty();
		}
		if (decoded.since().isBefore(Instant.now().minus(this.properties.tombstoneRetention()))) {
			throw new ResumePointExpiredException();
		}
		return OptionalLong.of(decoded.floor());
	}

	private static final class ResumePointExpiredException extends ErrorResponseException {

		ResumePointExpiredException() {
			super(HttpStatus.GONE);
			getBody().setDetail("The resume point is older than deletions are kept. Sync again with "
					+ "GET /api/tasks?updated_since=* and open the stream with the Sync-Token it returns.");
		}

	}

}
