package app.todo.task;

import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

import app.todo.task.TaskListQuery.Position;
import app.todo.task.TaskListQuery.Status;
import app.todo.web.InvalidParameterException;
import app.todo.web.Paging;

import org.springframework.util.MultiValueMap;

/**
 * The query parameters of {@code GET /api/tasks}: their names, and the one place they are
 * parsed and checked, into a {@link TaskListQuery}. An unknown value is a {@code 400}
 * naming its parameter; parameters the route does not know are ignored.
 */
final class TaskListParameters {

	static final String STATUS = "status";

	static final String SORT = "sort";

	static final String OFFSET = "offset";

	static final String CURSOR = "cursor";

	static final String PRIORITY = "priority";

	static final String TAG = "tag";

	static final String DUE_BEFORE = "due_before";

	static final String DUE_AFTER = "due_after";

	static final String OVERDUE = "overdue";

	static final String TEXT = "q";

	/** The delta sync's parameter, which makes the list a {@link TaskChangeFeed}. */
	static final String UPDATED_SINCE = "updated_since";

	/** What selects or orders the list's tasks (all but the page size). */
	static final Set<String> SELECTING = Set.of(STATUS, SORT, CURSOR, OFFSET, PRIORITY, TAG, DUE_BEFORE, DUE_AFTER,
			OVERDUE, TEXT);

	static final long MAX_OFFSET = 100_000;

	static final int MAX_TEXT_LENGTH = 200;

	private TaskListParameters() {
	}

	static TaskListQuery parse(MultiValueMap<String, String> parameters, String callerId) {
		String statusValue = Paging.single(parameters, STATUS);
		Status status = (statusValue == null) ? Status.ALL : Arrays.stream(Status.values())
			.filter((candidate) -> candidate.parameter().equals(statusValue))
			.findFirst()
			.orElseThrow(() -> new InvalidParameterException(STATUS, "must be one of all, pending, completed."));
		String sortValue = Paging.single(parameters, SORT);
		TaskSort sort = (sortValue == null) ? TaskSort.DEFAULT
				: sort(sortValue).orElseThrow(() -> new InvalidParameterException(SORT,
						"must be one of created_at, updated_at, due_date, priority, title, optionally after '-'."));
		int limit = Paging.limit(parameters);
		long offset = Paging.number(parameters, OFFSET, 0, 0, MAX_OFFSET);
		TaskFilters filters = filters(parameters);
		TaskListQuery query = new TaskListQuery(status, sort, limit, offset, filters, null);
		String cursor = Paging.single(parameters, CURSOR);
		if (cursor == null) {
			return query;
		}
		if (offset != 0) {
			throw new InvalidParameterException(OFFSET, "cannot be combined with cursor.");
		}
		Position after = Cursor.decode(cursor, callerId, query);
		return new TaskListQuery(status, sort, limit, offset, filters, after);
	}

	static Optional<TaskSort> sort(String value) {
		boolean descending = value.startsWith("-");
		String name = descending ? value.substring(1) : value;
		return Arrays.stream(TaskSort.Field.values())
			.filter((field) -> field.name.equals(name))
			.findFirst()
			.map((field) -> new TaskSort(field, descending));
	}

	static TaskFilters filters(MultiValueMap<String, String> parameters) {
		Set<Priority> priorities = EnumSet.noneOf(Priority.class);
		for (String value : repeated(parameters, PRIORITY, Priority.values().length)) {
			priorities.add(Priority.ofValue(value)
				.orElseThrow(() -> new InvalidParameterException(PRIORITY, "must be one of low, medium, high.")));
		}
		// Sorted, so that the same tags in another order are the same query for a cursor
		Set<String> tags = new TreeSet<>();
		for (String value : repeated(parameters, TAG, TaskChanges.MAX_TAGS)) {
			String tag = value.strip().toLowerCase(Locale.ROOT);
			if (tag.isEmpty() || tag.codePointCount(0, tag.length()) > TaskChanges.MAX_TAG_LENGTH
					|| tag.indexOf('\0') >= 0) {
				throw new InvalidParameterException(TAG,
						"must be 1 to " + TaskChanges.MAX_TAG_LENGTH + " characters, without the NUL character.");
			}
			tags.add(tag);
		}
		String overdue = Paging.single(parameters, OVERDUE);
		if (overdue != null && !overdue.equals("true") && !overdue.equals("false")) {
			throw new InvalidParameterException(OVERDUE, "must be true or false.");
		}
		return new TaskFilters(priorities, tags, timestamp(parameters, DUE_BEFORE), timestamp(parameters, DUE_AFTER),
				(overdue != null) ? Boolean.valueOf(overdue) : null, text(parameters));
	}

	private static List<String> repeated(MultiValueMap<String, String> parameters, String name, int max) {
		List<String> values = parameters.getOrDefault(name, List.of());
		if (values.size() > max) {
			throw new InvalidParameterException(name, "must be given at most " + max + " times.");
		}
		return values;
	}

	private static @Nullable Instant timestamp(MultiValueMap<String, String> parameters, String name) {
		String value = Paging.single(parameters, name);
		return (value == null) ? null : TaskChanges.parseTimestamp(value)
			.orElseThrow(() -> new InvalidParameterException(name, TaskChanges.TIMESTAMP_RULE + "."));
	}

	/**
	 * A blank {@code q} is an empty search box: no search. A query needs a letter or
	 * digit to find words.
	 */
	private static @Nullable String text(MultiValueMap<String, String> parameters) {
		String value = Paging.single(parameters, TEXT);
		if (value == null || value.isBlank()) {
			return null;
		}
		String text = value.strip();
		if (text.codePointCount(0, text.length()) > MAX_TEXT_LENGTH) {
			throw new InvalidParameterException(TEXT, "must be at most " + MAX_TEXT_LENGTH + " characters.");
		}
		if (text.indexOf('\0') >= 0) {
			// PostgreSQL text cannot hold it: the query would fail, not find nothing
			throw new InvalidParameterException(TEXT, "must not contain the NUL character.");
		}
		if (text.codePoints().noneMatch(Character::isLetterOrDigit)) {
			throw new InvalidParameterException(TEXT, "must contain a word to search for.");
		}
		return text;
	}

}
