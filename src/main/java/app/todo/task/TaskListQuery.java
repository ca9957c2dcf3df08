package app.todo.task;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import app.todo.web.InvalidParameterException;

import org.springframework.util.MultiValueMap;

/**
 * The query parameters of {@code GET /api/tasks}, checked: an unknown value is a {@code 400}
 * naming its parameter. Parameters the route does not know are ignored.
 */
record TaskListQuery(Status status, TaskSort sort, int limit, long offset, TaskFilters filters,
		@Nullable Position after) {

	static final int DEFAULT_LIMIT = 50;

	static final int MAX_LIMIT = 200;

	static final long MAX_OFFSET = 100_000;

	enum Status {

		ALL(""), PENDING(" AND NOT completed"), COMPLETED(" AND completed");

		final String condition;

		Status(String condition) {
			this.condition = condition;
		}

		String parameter() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	/** Where a page ends: the sort value (as stored, may be null) and id of its last task. */
	record Position(@Nullable Object value, long id) {
	}

	static TaskListQuery from(MultiValueMap<String, String> parameters, String callerId) {
		String statusValue = single(parameters, "status");
		Status status = (statusValue == null) ? Status.ALL
				: Arrays.stream(Status.values())
					.filter((candidate) -> candidate.parameter().equals(statusValue))
					.findFirst()
					.orElseThrow(() -> new InvalidParameterException("status", "must be one of all, pending, completed."));
		String sortValue = single(parameters, "sort");
		TaskSort sort = (sortValue == null) ? TaskSort.DEFAULT : TaskSort.parse(sortValue)
			.orElseThrow(() -> new InvalidParameterException("sort",
					"must be one of created_at, updated_at, due_date, priority, title, optionally after '-'."));
		int limit = (int) number(parameters, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
		long offset = number(parameters, "offset", 0, 0, MAX_OFFSET);
		TaskFilters filters = TaskFilters.from(parameters);
		String cursor = single(parameters, "cursor");
		Position after = null;
		if (cursor != null) {
			if (offset != 0) {
				throw new InvalidParameterException("offset", "cannot be combined with cursor.");
			}
			after = Cursor.decode(cursor, callerId, sort, status, filters);
		}
		return new TaskListQuery(status, sort, limit, offset, filters, after);
	}

	static @Nullable String single(MultiValueMap<String, String> parameters, String name) {
		List<String> values = parameters.get(name);
		if (values == null || values.isEmpty()) {
			return null;
		}
		if (values.size() > 1) {
			throw new InvalidParameterException(name, "must be given once.");
		}
		return values.get(0);
	}

	private static long number(MultiValueMap<String, String> parameters, String name, long defaultValue, long min,
			long max) {
		String value = single(parameters, name);
		if (value == null) {
			return defaultValue;
		}
		if (value.matches("\\d{1,9}")) {
			long number = Long.parseLong(value);
			if (number >= min && number <= max) {
				return number;
			}
		}
		throw new InvalidParameterException(name, "must be a whole number from " + min + " to " + max + ".");
	}

}
