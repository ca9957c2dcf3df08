package app.todo.task;

import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

import app.todo.web.InvalidParameterException;

import org.springframework.util.MultiValueMap;

/**
 * The filters of the list, each a condition on the caller's rows that every list index can
 * apply, so that no combination leaves the owner's index range: any of the {@code priority}
 * values, all of the {@code tag} values, a half-open due date range, {@code overdue}, and
 * {@code q}, which finds tasks whose title or description has a word starting with each word
 * of the query, whatever the case and accents (see {@code 002-task-search.sql}).
 */
record TaskFilters(Set<Priority> priorities, Set<String> tags, @Nullable Instant dueBefore,
		@Nullable Instant dueAfter, @Nullable Boolean overdue, @Nullable String text) {

	static final int MAX_TEXT_LENGTH = 200;

	static final TaskFilters NONE = new TaskFilters(Set.of(), Set.of(), null, null, null, null);

	static TaskFilters from(MultiValueMap<String, String> parameters) {
		Set<Priority> priorities = EnumSet.noneOf(Priority.class);
		for (String value : repeated(parameters, "priority", Priority.values().length)) {
			priorities.add(Priority.ofValue(value)
				.orElseThrow(() -> new InvalidParameterException("priority", "must be one of low, medium, high.")));
		}
		// Sorted, so that the same tags in another order are the same query for a cursor
		Set<String> tags = new TreeSet<>();
		for (String value : repeated(parameters, "tag", TaskChanges.MAX_TAGS)) {
			String tag = value.strip().toLowerCase(Locale.ROOT);
			if (tag.isEmpty() || tag.codePointCount(0, tag.length()) > TaskChanges.MAX_TAG_LENGTH || tag.indexOf('\0') >= 0) {
				throw new InvalidParameterException("tag",
						"must be 1 to " + TaskChanges.MAX_TAG_LENGTH + " characters, without the NUL character.");
			}
			tags.add(tag);
		}
		String overdue = TaskListQuery.single(parameters, "overdue");
		if (overdue != null && !overdue.equals("true") && !overdue.equals("false")) {
			throw new InvalidParameterException("overdue", "must be true or false.");
		}
		return new TaskFilters(priorities, tags, timestamp(parameters, "due_before"), timestamp(parameters, "due_after"),
				(overdue != null) ? Boolean.valueOf(overdue) : null, text(parameters));
	}

	/** The conditions to add to the owner's, each starting with {@code AND}. */
	String condition() {
		StringBuilder sql = new StringBuilder();
		if (!this.priorities.isEmpty()) {
			sql.append(" AND priority = ANY(:priorities)");
		}
		if (!this.tags.isEmpty()) {
			sql.append(" AND tags @> CAST(:tags AS text[])");
		}
		if (this.dueBefore != null) {
			sql.append(" AND due_date < :dueBefore");
		}
		if (this.dueAfter != null) {
			sql.append(" AND due_date >= :dueAfter");
		}
		if (this.overdue != null) {
			sql.append(this.overdue ? " AND NOT completed AND due_date < now()"
					: " AND (completed OR due_date IS NULL OR due_date >= now())");
		}
		if (this.text != null) {
			// The expression of tasks_user_search_idx, so that the search can use it
			sql.append(" AND todo_search_vector(title, description) @@ todo_search_query(:text)");
		}
		return sql.toString();
	}

	/** The values of the parameters of {@link #condition()}. */
	Map<String, Object> parameters() {
		Map<String, Object> parameters = new LinkedHashMap<>();
		if (!this.priorities.isEmpty()) {
			parameters.put("priorities", this.priorities.stream().map(Priority::code).toArray(Short[]::new));
		}
		if (!this.tags.isEmpty()) {
			parameters.put("tags", this.tags.toArray(String[]::new));
		}
		if (this.dueBefore != null) {
			parameters.put("dueBefore", this.dueBefore);
		}
		if (this.dueAfter != null) {
			parameters.put("dueAfter", this.dueAfter);
		}
		if (this.text != null) {
			parameters.put("text", this.text);
		}
		return parameters;
	}

	/** The same text for the same filters, whatever the order of the parameters. */
	String key() {
		StringJoiner key = new StringJoiner("\n");
		key.add(this.priorities.toString()).add(String.join("\u0000", this.tags));
		key.add(String.valueOf(this.dueBefore)).add(String.valueOf(this.dueAfter)).add(String.valueOf(this.overdue));
		return key.add(String.valueOf(this.text)).toString();
	}

	private static List<String> repeated(MultiValueMap<String, String> parameters, String name, int max) {
		List<String> values = parameters.getOrDefault(name, List.of());
		if (values.size() > max) {
			throw new InvalidParameterException(name, "must be given at most " + max + " times.");
		}
		return values;
	}

	private static @Nullable Instant timestamp(MultiValueMap<String, String> parameters, String name) {
		String value = TaskListQuery.single(parameters, name);
		return (value == null) ? null : TaskChanges.parseTimestamp(value)
			.orElseThrow(() -> new InvalidParameterException(name, TaskChanges.TIMESTAMP_RULE + "."));
	}

	/** A blank {@code q} is an empty search box: no search. A query needs a letter or digit to find words. */
	private static @Nullable String text(MultiValueMap<String, String> parameters) {
		String value = TaskListQuery.single(parameters, "q");
		if (value == null || value.isBlank()) {
			return null;
		}
		String text = value.strip();
		if (text.codePointCount(0, text.length()) > MAX_TEXT_LENGTH) {
			throw new InvalidParameterException("q", "must be at most " + MAX_TEXT_LENGTH + " characters.");
		}
		if (text.indexOf('\0') >= 0) {
			// PostgreSQL text cannot hold it: the query would fail, not find nothing
			throw new InvalidParameterException("q", "must not contain the NUL character.");
		}
		if (text.codePoints().noneMatch(Character::isLetterOrDigit)) {
			throw new InvalidParameterException("q", "must contain a word to search for.");
		}
		return text;
	}

}
