package app.todo.task;

import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Test;

import app.todo.task.TaskListQuery.Position;
import app.todo.task.TaskListQuery.Status;
import app.todo.web.InvalidParameterException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The list's cursor and the sync token, as pure functions: no context, no database.
 */
class CursorTests {

	private static final TaskListQuery QUERY = new TaskListQuery(Status.PENDING,
			new TaskSort(TaskSort.Field.DUE_DATE, false), 50, 0,
			new TaskFilters(Set.of(Priority.HIGH), Set.of("home"), null, null, null, "milk"), null);

	@Test
	void decodeWhenMadeForTheSameCallerAndQueryThenThePosition() {
		Position position = new Position(Instant.parse("2026-12-01T17:00:00Z"), 42);
		String cursor = Cursor.encode("alice", QUERY, position);
		assertThat(cursor).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
		assertThat(Cursor.decode(cursor, "alice", QUERY)).isEqualTo(position);
	}

	@Test
	void decodeWhenPositionValueNullThenNull() {
		Position position = new Position(null, 7);
		assertThat(Cursor.decode(Cursor.encode("alice", QUERY, position), "alice", QUERY)).isEqualTo(position);
	}

	@Test
	void decodeWhenAnotherCallerThenInvalid() {
		String cursor = Cursor.encode("alice", QUERY, new Position(null, 7));
		assertThatExceptionOfType(InvalidParameterException.class).isThrownBy(() -> Cursor.decode(cursor, "bob", QUERY))
			.satisfies((ex) -> {
				assertThat(ex.getBody().getProperties()).containsEntry("parameter", "cursor");
				assertThat(ex.getBody().getDetail()).contains("not a cursor this API made for you");
			});
	}

	@Test
	void decodeWhenAnotherSortStatusOrFiltersThenAnotherQuery() {
		String cursor = Cursor.encode("alice", QUERY, new Position(null, 7));
		TaskListQuery otherSort = new TaskListQuery(QUERY.status(), new TaskSort(TaskSort.Field.DUE_DATE, true), 50, 0,
				QUERY.filters(), null);
		TaskListQuery otherStatus = new TaskListQuery(Status.ALL, QUERY.sort(), 50, 0, QUERY.filters(), null);
		TaskListQuery otherFilters = new TaskListQuery(QUERY.status(), QUERY.sort(), 50, 0, TaskFilters.NONE, null);
		for (TaskListQuery other : new TaskListQuery[] { otherSort, otherStatus, otherFilters }) {
			assertThatExceptionOfType(InvalidParameterException.class)
				.isThrownBy(() -> Cursor.decode(cursor, "alice", other))
				.satisfies((ex) -> assertThat(ex.getBody().getDetail()).contains("belongs to another query"));
		}
		// The page size is not part of the query: a client may change it between pages
		TaskListQuery otherLimit = new TaskListQuery(QUERY.status(), QUERY.sort(), 10, 0, QUERY.filters(), null);
		assertThat(Cursor.decode(cursor, "alice", otherLimit).id()).isEqualTo(7);
	}

	@Test
	void decodeWhenTamperedTruncatedOrTooLongThenInvalid() {
		String cursor = Cursor.encode("alice", QUERY, new Position(null, 7));
		String flipped = ((cursor.charAt(0) == 'A') ? "B" : "A") + cursor.substring(1);
		for (String bad : new String[] { flipped, cursor.substring(0, cursor.indexOf('.')), "", ".", "not base64!.x",
				cursor + "x".repeat(1024) }) {
			assertThatExceptionOfType(InvalidParameterException.class).as(bad)
				.isThrownBy(() -> Cursor.decode(bad, "alice", QUERY));
		}
	}

	@Test
	void decodeWhenSyncTokenOfTheSameCallerThenNeitherPassesForTheOther() {
		String token = SyncToken.after(1234, Instant.parse("2026-12-01T17:00:00Z")).encode("alice");
		assertThatExceptionOfType(InvalidParameterException.class)
			.isThrownBy(() -> Cursor.decode(token, "alice", QUERY));
		String cursor = Cursor.encode("alice", QUERY, new Position(null, 7));
		assertThatExceptionOfType(InvalidParameterException.class).isThrownBy(() -> SyncToken.decode(cursor, "alice"))
			.satisfies((ex) -> assertThat(ex.getBody().getProperties()).containsEntry("parameter", "updated_since"));
	}

	@Test
	void syncTokenDecodeWhenEncodedThenTheSameToken() {
		SyncToken first = SyncToken.after(1234, Instant.parse("2026-12-01T17:00:00Z"));
		SyncToken paged = first
			.continuedAfter(new SyncToken.Page(1234, Instant.parse("2026-12-01T17:00:00Z"), 1300, 99));
		for (SyncToken token : new SyncToken[] { first, paged,
				SyncToken.afterTime(Instant.parse("2026-11-01T00:00:00Z")) }) {
			assertThat(SyncToken.decode(token.encode("alice"), "alice")).isEqualTo(token);
		}
		assertThatExceptionOfType(InvalidParameterException.class)
			.isThrownBy(() -> SyncToken.decode(first.encode("alice"), "bob"));
	}

}
