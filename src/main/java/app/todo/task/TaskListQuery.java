package app.todo.task;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * A list request, as {@link TaskListParameters} parsed it from the query string and
 * {@link TaskRepository} renders it in SQL.
 *
 * @param offset tasks to skip, for old clients; 0 when {@code after} is given
 * @param after where the previous page ended (from the cursor); null for the first page
 */
record TaskListQuery(Status status, TaskSort sort, int limit, long offset, TaskFilters filters,
		@Nullable Position after) {

	enum Status {

		ALL, PENDING, COMPLETED;

		/** The value of the {@code status} query parameter. */
		String parameter() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	/**
	 * Where a page ends: the sort value (as stored, may be null) and id of its last task.
	 */
	record Position(@Nullable Object value, long id) {
	}

}
