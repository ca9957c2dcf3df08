package app.todo.task;

import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * An order of the list: a field, a direction, and {@code id} in the same direction to make it
 * total. Each order expression has an index of its own (see the changelog), and tasks with no
 * due date sort last in both directions by standing in for +/- infinity.
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

	static Optional<TaskSort> parse(String value) {
		boolean descending = value.startsWith("-");
		String name = descending ? value.substring(1) : value;
		return Arrays.stream(Field.values())
			.filter((field) -> field.name.equals(name))
			.findFirst()
			.map((field) -> new TaskSort(field, descending));
	}

	/** The form of the {@code sort} query parameter. */
	String parameter() {
		return (this.descending ? "-" : "") + this.field.name;
	}

	/** The sort key of a row; {@code column} may be qualified. */
	String key(String column) {
		return switch (this.field) {
			case DUE_DATE -> "coalesce(" + column + ", '" + (this.descending ? "-" : "") + "infinity'::timestamptz)";
			case TITLE -> "lower(" + column + ")";
			default -> column;
		};
	}

	/** The sort key of a bound parameter holding a raw column value. */
	String parameterKey(String parameter) {
		return (this.field == Field.DUE_DATE) ? key("CAST(" + parameter + " AS timestamptz)") : key(parameter);
	}

	String orderBy(String qualifier) {
		String direction = this.descending ? " DESC" : " ASC";
		return key(qualifier + this.field.name) + direction + ", " + qualifier + "id" + direction;
	}

	/** Rows after a position in this order. */
	String after(String keyParameter, String idParameter) {
		return "(" + key(this.field.name) + ", id) " + (this.descending ? "<" : ">") + " ("
				+ parameterKey(keyParameter) + ", " + idParameter + ")";
	}

}
