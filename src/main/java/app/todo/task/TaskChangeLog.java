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

	private static final String PAGE = """
			SELECT * FROM (
			(SELECT change_seq, false AS deleted, %1$s FROM tasks
			 WHERE user_id = :userId AND change_seq >= :floor AND (change_seq, id) > (:afterSeq, :afterId)
			 ORDER BY change_seq, id LIMIT :fetch)
			UNION ALL
			(SELECT change_seq, true, task_id, user_id, NULL, NULL, NULL, NULL, NULL, NULL,
			   NULL, deleted_at, NULL, NULL FROM task_tombstones
			 WHERE user_id = :userId AND change_seq >= :floor AND (change_seq, task_id) > (:afterSeq, :afterId)
			 ORDER BY change_seq, task_id LIMIT :fetch)) AS changes
			ORDER BY change_seq, id LIMIT :fetch""".formatted(TaskRepository.COLUMNS);

	private final TaskRepository repository;

	private final DatabaseClient db;

	private final SyncProperties properties;

	TaskChangeLog(TaskRepository repository, DatabaseClient db, SyncProperties properties) {
		this.repository = repository;
		this.db = db;
		this.properties = properties;
	}

	/**
	 * One change: its kind ({@code task.created}, {@code task.updated},
	 * {@code task.deleted}) and body.
	 */
	public record Change(long seq, long taskId, String kind, Object body) {
	}

	/**
	 * A floor for a sync token of the user: every change of theirs below it has
	 * committed, so every change not yet visible will be numbered at or above it.
	 */
	public Mono<Long> floor(String userId) {
		return this.repository.floor(userId);
	}

	/** One page of the user's changes at or above the floor, after the given position. */
	public Flux<Change> page(String userId, long floor, long afterSeq, long afterId) {
		return this.db.sql(PAGE)
			.bind("userId", userId)
			.bind("floor", floor)
			.bind("afterSeq", afterSeq)
			.bind("afterId", afterId)
			.bind("fetch", PAGE_SIZE)
			.map((row) -> {
				long seq = row.get(0, Long.class);
				long id = row.get("id", Long.class);
				if (Boolean.TRUE.equals(row.get(1, Boolean.class))) {
					return new Change(seq, id, "task.deleted",
							new TaskRepository.Tombstone(id, true, row.get("updated_at", Instant.class)));
				}
				Task task = TaskRepository.taskAt(row, 2);
				return new Change(seq, id, (task.version() == 1) ? "task.created" : "task.updated", task);
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
