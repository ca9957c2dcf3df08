package app.todo.task;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import app.todo.task.TaskListQuery.Position;
import app.todo.web.InvalidParameterException;

/**
 * The opaque {@code cursor} of the list: the position after which the next page starts,
 * bound to one user and one query (sort, status and filters) by the digest of
 * {@link OpaqueTokens}.
 */
final class Cursor {

	private static final int MAX_LENGTH = 1024;

	/** Cursors predate the other tokens and keep their digest without a domain. */
	private static final String DOMAIN = "";

	private Cursor() {
	}

	static String encode(String callerId, TaskListQuery query, Position position) {
		String value = (position.value() != null) ? "=" + toText(position.value()) : "~";
		String payload = String.join("\n", query.sort().parameter(), query.status().parameter(),
				OpaqueTokens.digest(query.filters().key()), Long.toString(position.id()), value);
		return OpaqueTokens.encode(DOMAIN, callerId, payload);
	}

	/**
	 * The position of a cursor made for this caller and for the query's sort, status and
	 * filters.
	 */
	static Position decode(String cursor, String callerId, TaskListQuery query) {
		String payload = OpaqueTokens.decode(cursor, DOMAIN, callerId, MAX_LENGTH);
		String[] parts = (payload != null) ? payload.split("\n", 5) : new String[0];
		if (parts.length != 5) {
			throw invalid();
		}
		if (!parts[0].equals(query.sort().parameter()) || !parts[1].equals(query.status().parameter())
				|| !parts[2].equals(OpaqueTokens.digest(query.filters().key()))) {
			throw new InvalidParameterException(TaskListParameters.CURSOR,
					"belongs to another query: keep the sort, status and filters it was made for.");
		}
		try {
			Object value = parts[4].startsWith("=") ? fromText(parts[4].substring(1), query.sort().field().type) : null;
			return new Position(value, Long.parseLong(parts[3]));
		}
		catch (NumberFormatException | DateTimeParseException ex) {
			throw invalid();
		}
	}

	private static String toText(Object value) {
		return (value instanceof OffsetDateTime time) ? time.toInstant().toString() : value.toString();
	}

	private static Object fromText(String text, Class<?> type) {
		if (type == Instant.class) {
			return Instant.parse(text);
		}
		if (type == Short.class) {
			return Short.valueOf(text);
		}
		return text;
	}

	private static InvalidParameterException invalid() {
		return new InvalidParameterException(TaskListParameters.CURSOR,
				"is not a cursor this API made for you; start again without it.");
	}

}
