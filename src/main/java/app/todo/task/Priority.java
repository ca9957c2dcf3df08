package app.todo.task;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Stored as its ordinal (a {@code smallint}), so that sorting by priority is sorting by
 * number: low &lt; medium &lt; high.
 */
enum Priority {

	LOW, MEDIUM, HIGH;

	@JsonValue
	String value() {
		return name().toLowerCase(Locale.ROOT);
	}

	short code() {
		return (short) ordinal();
	}

	static Priority ofCode(short code) {
		return values()[code];
	}

	static Optional<Priority> ofValue(String value) {
		return Arrays.stream(values()).filter((priority) -> priority.value().equals(value)).findFirst();
	}

}
