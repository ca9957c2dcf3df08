package app.todo.task;

import java.time.Instant;
import java.util.Set;
import java.util.StringJoiner;

import org.jspecify.annotations.Nullable;

/**
 * The filters of the list (parsed by {@link TaskListParameters}, rendered by
 * {@link TaskRepository}): any of the {@code priority} values, all of the {@code tag}
 * values, a half-open due date range, {@code overdue}, and {@code q}, which finds tasks
 * whose title or description has a word starting with each word of the query, whatever
 * the case and accents.
 */
record TaskFilters(Set<Priority> priorities, Set<String> tags, @Nullable Instant dueBefore, @Nullable Instant dueAfter,
		@Nullable Boolean overdue, @Nullable String text) {

	static final TaskFilters NONE = new TaskFilters(Set.of(), Set.of(), null, null, null, null);

	/** The same text for the same filters, whatever the order of the parameters. */
	String key() {
		StringJoiner key = new StringJoiner("\n");
		key.add(this.priorities.toString()).add(String.join("\u0000", this.tags));
		key.add(String.valueOf(this.dueBefore)).add(String.valueOf(this.dueAfter)).add(String.valueOf(this.overdue));
		return key.add(String.valueOf(this.text)).toString();
	}

}
