package app.todo.task;

import java.time.Instant;

/**
 * An order of the list: a field, a direction, and {@code id} in the same direction to
 * make it total (rendered by {@link TaskRepository}).
 */
record TaskSort(Field field, boolean descending) {

	static final TaskSort DEFAULT = new TaskSort(Field.CREATED_AT, true);

	enum Field {

		CREATED_AT("created_at", Instant.class), UPDATED_AT("updated_at", Instant.class),
		DUE_DATE("due_date", Instant.class), PRIORITY("priority", Short.class), TITLE("title", String.class);

		/** The query value and the column. */
		final String name;

		/** How the column's value is read from a row and bound as a parameter. */
		final Class<?> type;

		Field(String name, Class<?> type) {
			this.name = name;
			this.type = type;
		}

	}

	/** The form of the {@code sort} query parameter. */
	String parameter() {
		return (this.descending ? "-" : "") + this.field.name;
	}

}
