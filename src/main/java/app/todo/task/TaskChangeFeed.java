package app.todo.task;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import app.todo.database.Uncancellable;
import app.todo.security.Caller;
import app.todo.task.SyncToken.Page;
import app.todo.web.InvalidParameterException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.stereotype.Component;
import org.springframework.util.MultiValueMap;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Delta sync, {@code GET /api/tasks?updated_since=...}: the caller's tasks changed since a sync
 * token (or a timestamp, or {@code *} for all of them), their deletions as tombstones, and a
 * {@code Sync-Token} for next time.
 * <p>
 * Why a transaction id and not a time or a sequence number: {@code updated_at} is when the
 * writing transaction started and a sequence number is taken before it commits, so a slow
 * transaction can commit a change stamped earlier than a token handed out in between, and a
 * token "after the newest change seen" would skip it forever. Each row instead records the
 * transaction that wrote it ({@code change_xid}), and a token holds the oldest transaction that
 * was still running when the token was made ({@code pg_snapshot_xmin}): every change not yet
 * visible then was written by a transaction at or above it. Changes that were visible and sit
 * at or above the floor are sent again next time; a client applies changes by id, keeping the
 * highest {@code version}, and a tombstone ends an id for good (ids are never reused).
 * <p>
 * Pages follow {@code change_xid, id} with a keyset; the token the last page hands out keeps the
 * floor taken before the first page, the oldest of them, so that a change committed while the
 * client was paging is seen next time even if it sorts before the page it arrived during.
 */
@Component
class TaskChangeFeed {

	static final String SYNC_TOKEN = "Sync-Token";

	static final String PARAMETER = "updated_since";

	/** What would make a feed of changes lie: a task leaving a filter or sort has no tombstone. */
	private static final Set<String> REFUSED = Set.of("status", "sort", "cursor", "offset", "priority", "tag",
			"due_before", "due_after", "overdue", "q");

	/* Tombstones outlive the oldest token accepted by this much: a deleting transaction still running when the token was made. */
	static final Duration TOMBSTONE_GRACE = Duration.ofDays(1);

	private static final String FLOOR = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS floor";

	private final DatabaseClient db;

	private final SyncProperties properties;

	TaskChangeFeed(DatabaseClient db, SyncProperties properties) {
		this.db = db;
		this.properties = properties;
	}

	Mono<ServerResponse> changes(ServerRequest request) {
		return Caller.of(request).flatMap((caller) -> {
			MultiValueMap<String, String> parameters = request.queryParams();
			for (String name : parameters.keySet()) {
				if (REFUSED.contains(name)) {
					throw new InvalidParameterException(name, "cannot be combined with updated_since: a delta sync "
							+ "returns every change of your tasks, to be filtered on the client.");
				}
			}
			String since = TaskListQuery.single(parameters, PARAMETER);
			SyncToken token = token((since != null) ? since : "", caller.id());
			int limit = limit(TaskListQuery.single(parameters, "limit"));
			checkRetention(token);
			Page page = token.page();
			Mono<Page> start = (page != null) ? Mono.just(page)
					: this.db.sql(FLOOR).map((row) -> new Page(Long.parseLong(row.get("floor", String.class)),
							Instant.now(), 0, 0)).one();
			return start.flatMap((first) -> Uncancellable.of(changes(caller.id(), token, limit + 1).collectList())
				.flatMap((changes) -> respond(request, caller, token, limit, first, changes)));
		});
	}

	private Mono<ServerResponse> respond(ServerRequest request, Caller caller, SyncToken token, int limit, Page first,
			List<Change> changes) {
		ServerResponse.BodyBuilder response = ServerResponse.ok().contentType(MediaType.APPLICATION_JSON);
		if (changes.size() > limit) {
			changes = changes.subList(0, limit);
			Change last = changes.get(limit - 1);
			SyncToken next = token.continuedAfter(new Page(first.nextFloor(), first.nextSince(), last.xid(), last.id()));
			String uri = UriComponentsBuilder.fromPath(request.path())
				.queryParams(request.queryParams())
				.replaceQueryParam(PARAMETER, next.encode(caller.id()))
				.encode()
				.build()
				.toUriString();
			response.header(HttpHeaders.LINK, "<" + uri + ">; rel=\"next\"");
		}
		else {
			response.header(SYNC_TOKEN, SyncToken.after(first.nextFloor(), first.nextSince()).encode(caller.id()));
		}
		return response.bodyValue(changes.stream().map(Change::body).toList());
	}

	private Flux<Change> changes(String userId, SyncToken token, int fetch) {
		Page page = token.page();
		String taskSince;
		String tombstoneSince;
		if (token.floor() != null) {
			taskSince = tombstoneSince = " AND change_xid >= CAST(:floor AS xid8)";
		}
		else if (token.since() != null) {
			taskSince = " AND updated_at > :since";
			tombstoneSince = " AND deleted_at > :since";
		}
		else {
			taskSince = "";
			tombstoneSince = null;
		}
		String after = (page != null) ? " AND (change_xid, %s) > (CAST(:afterXid AS xid8), :afterId)" : "";
		String sql = """
				(SELECT change_xid, change_xid::text AS xid, false AS deleted, %s FROM tasks
				 WHERE user_id = :userId%s%s ORDER BY change_xid, id LIMIT :fetch)""".formatted(TaskRepository.COLUMNS,
				taskSince, after.formatted("id"));
		if (tombstoneSince != null) {
			sql = """
					SELECT * FROM (%s
					UNION ALL
					(SELECT change_xid, change_xid::text AS xid, true, task_id, user_id, NULL, NULL, NULL, NULL, NULL, NULL,
					   NULL, deleted_at, NULL, NULL FROM task_tombstones
					 WHERE user_id = :userId%s%s ORDER BY change_xid, task_id LIMIT :fetch)) AS changes
					ORDER BY change_xid, id LIMIT :fetch""".formatted(sql, tombstoneSince, after.formatted("task_id"));
		}
		GenericExecuteSpec spec = this.db.sql(sql).bind("userId", userId).bind("fetch", fetch);
		if (token.floor() != null) {
			spec = spec.bind("floor", token.floor().toString());
		}
		else if (token.since() != null) {
			spec = spec.bind("since", token.since());
		}
		if (page != null) {
			spec = spec.bind("afterXid", Long.toString(page.afterXid())).bind("afterId", page.afterId());
		}
		return spec.map((row) -> {
			long xid = Long.parseLong(row.get("xid", String.class));
			Object body = Boolean.TRUE.equals(row.get("deleted", Boolean.class))
					? new Tombstone(row.get("id", Long.class), true, row.get("updated_at", Instant.class))
					: TaskRepository.taskAt(row, 3);
			return new Change(xid, row.get("id", Long.class), body);
		}).all();
	}

	/**
	 * Deletions older than the retention are gone: a client asking from before it would silently
	 * keep tasks deleted elsewhere, so it is told to start again, as Google Tasks does.
	 */
	private void checkRetention(SyncToken token) {
		Instant since = token.since();
		if (since != null && since.isBefore(Instant.now().minus(this.properties.tombstoneRetention()))) {
			throw new SyncPointExpiredException(this.properties.tombstoneRetention());
		}
	}

	private static SyncToken token(String value, String callerId) {
		if (value.equals("*")) {
			return SyncToken.FULL;
		}
		if (value.indexOf(':') >= 0) {
			try {
				return SyncToken.afterTime(OffsetDateTime.parse(value).toInstant());
			}
			catch (DateTimeParseException ex) {
				throw new InvalidParameterException(PARAMETER,
						"must be an RFC 3339 timestamp such as 2026-11-22T17:05:00Z, a Sync-Token, or *.");
			}
		}
		return SyncToken.decode(value, callerId);
	}

	private static int limit(@Nullable String value) {
		if (value == null) {
			return TaskListQuery.DEFAULT_LIMIT;
		}
		if (value.matches("\\d{1,9}")) {
			int limit = Integer.parseInt(value);
			if (limit >= 1 && limit <= TaskListQuery.MAX_LIMIT) {
				return limit;
			}
		}
		throw new InvalidParameterException("limit", "must be a whole number from 1 to " + TaskListQuery.MAX_LIMIT + ".");
	}

	/** A deleted task, as a sync reports it. */
	record Tombstone(long id, boolean deleted, Instant updatedAt) {
	}

	private record Change(long xid, long id, Object body) {
	}

	private static final class SyncPointExpiredException extends ErrorResponseException {

		SyncPointExpiredException(Duration retention) {
			super(HttpStatus.GONE);
			getBody().setDetail("updated_since is older than the " + retention.toDays() + " days deletions are kept, so "
					+ "some could no longer be reported. Discard the local copy and sync from the start with "
					+ "updated_since=*.");
		}

	}

}
