package app.todo.task;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

import reactor.core.publisher.Mono;

import app.todo.database.Uncancellable;
import app.todo.security.Caller;
import app.todo.task.SyncToken.Page;
import app.todo.task.TaskRepository.Change;
import app.todo.web.InvalidParameterException;
import app.todo.web.Paging;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.util.MultiValueMap;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Delta sync, {@code GET /api/tasks/changes?updated_since=...} (or
 * {@code GET /api/tasks?updated_since=...}): the caller's tasks changed since a sync
 * token (or a timestamp, or {@code *} for all of them), their deletions as tombstones,
 * and a {@code Sync-Token} for next time.
 * <p>
 * Why a per-user change counter and not a time or a global sequence: {@code updated_at}
 * is when the writing transaction started and a global sequence number is taken before it
 * commits, so a slow transaction can commit a change stamped earlier than a token handed
 * out in between, and a token "after the newest change seen" would skip it forever. Each
 * statement that changes a user's tasks instead advances the counter on the user's row
 * ({@code users.change_seq}) under its lock, in the same transaction, and stamps its rows
 * with it: a user's changes are numbered in the order they commit, and the counter as a
 * reader sees it is the last change visible to it. A token holds the number one past it
 * (its floor): every change the client has not seen is numbered at or above it. Unlike a
 * transaction id, the counter means the same on every node of a Citus cluster, where it
 * lives on the user's shard with their tasks. A client applies changes by id, keeping the
 * highest {@code version}, and a tombstone ends an id for good (ids are never reused).
 * <p>
 * Pages follow {@code change_seq, id} with a keyset; the token the last page hands out
 * keeps the floor taken before the first page, so that a change committed while the
 * client was paging is seen next time even if it was renumbered past the page it arrived
 * during.
 */
@Component
class TaskChangeFeed {

	static final String SYNC_TOKEN = "Sync-Token";

	static final String PARAMETER = TaskListParameters.UPDATED_SINCE;

	/*
	 * Tombstones outlive the oldest token accepted by this much: a deleting transaction
	 * still running when the token was made.
	 */
	static final Duration TOMBSTONE_GRACE = Duration.ofDays(1);

	private final TaskRepository repository;

	private final SyncProperties properties;

	TaskChangeFeed(TaskRepository repository, SyncProperties properties) {
		this.repository = repository;
		this.properties = properties;
	}

	Mono<ServerResponse> changes(ServerRequest request) {
		return Caller.of(request).flatMap((caller) -> {
			MultiValueMap<String, String> parameters = request.queryParams();
			for (String name : parameters.keySet()) {
				// What would make a feed of changes lie: a task leaving a filter or sort
				// has no tombstone
				if (TaskListParameters.SELECTING.contains(name)) {
					throw new InvalidParameterException(name, "cannot be combined with updated_since: a delta sync "
							+ "returns every change of your tasks, to be filtered on the client.");
				}
			}
			String since = Paging.single(parameters, PARAMETER);
			if (since == null) {
				// GET /api/tasks/changes without it
				throw new InvalidParameterException(PARAMETER,
						"is required: a Sync-Token, an RFC 3339 timestamp, or * for everything.");
			}
			SyncToken token = token(since, caller.id());
			int limit = Paging.limit(parameters);
			checkRetention(token);
			Page page = token.page();
			Mono<Page> start = (page != null) ? Mono.just(page)
					: this.repository.floor(caller.id()).map((floor) -> new Page(floor, Instant.now(), 0, 0));
			return start.flatMap(
					(first) -> Uncancellable.of(this.repository.changes(caller.id(), token, limit + 1).collectList())
						.flatMap((changes) -> respond(request, caller, token, limit, first, changes)));
		});
	}

	private Mono<ServerResponse> respond(ServerRequest request, Caller caller, SyncToken token, int limit, Page first,
			List<Change> changes) {
		ServerResponse.BodyBuilder response = ServerResponse.ok().contentType(MediaType.APPLICATION_JSON);
		if (changes.size() > limit) {
			changes = changes.subList(0, limit);
			Change last = changes.get(limit - 1);
			SyncToken next = token
				.continuedAfter(new Page(first.nextFloor(), first.nextSince(), last.seq(), last.id()));
			response.header(HttpHeaders.LINK, Paging.nextLink(request, PARAMETER, next.encode(caller.id())));
		}
		else {
			response.header(SYNC_TOKEN, SyncToken.after(first.nextFloor(), first.nextSince()).encode(caller.id()));
		}
		return response.bodyValue(changes.stream().map(Change::body).toList());
	}

	/**
	 * Deletions older than the retention are gone: a client asking from before it would
	 * silently keep tasks deleted elsewhere, so it is told to start again, as Google
	 * Tasks does.
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

	private static final class SyncPointExpiredException extends ErrorResponseException {

		SyncPointExpiredException(Duration retention) {
			super(HttpStatus.GONE);
			getBody()
				.setDetail("updated_since is older than the " + retention.toDays() + " days deletions are kept, so "
						+ "some could no longer be reported. Discard the local copy and sync from the start with "
						+ "updated_since=*.");
		}

	}

}
