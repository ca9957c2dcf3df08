package app.todo.task;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import app.todo.web.ValidationException;
import app.todo.web.ValidationException.FieldError;

/**
 * The writable members of a task, validated, as they are to be stored. A create or a full
 * replacement sets every member (absent ones to their defaults); a merge patch only the
 * members it names, where {@code null} means back to the default.
 */
final class TaskChanges {

	enum Member {

		TITLE("title"), DESCRIPTION("description"), COMPLETED("completed"), PRIORITY("priority"), DUE_DATE("due_date"),
		TAGS("tags");

		/** The JSON member and the column. */
		final String column;

		Member(String column) {
			this.column = column;
		}

		Class<?> type() {
			return switch (this) {
				case TITLE, DESCRIPTION -> String.class;
				case COMPLETED -> Boolean.class;
				case PRIORITY -> Short.class;
				case DUE_DATE -> Instant.class;
				case TAGS -> String[].class;
			};
		}

	}

	static final int MAX_TITLE_LENGTH = 200;

	static final int MAX_DESCRIPTION_LENGTH = 1000;

	static final int MAX_TAGS = 20;

	static final int MAX_TAG_LENGTH = 50;

	private final Map<Member, @Nullable Object> values;

	private TaskChanges(Map<Member, @Nullable Object> values) {
		this.values = Collections.unmodifiableMap(values);
	}

	/** A create or a full replacement: absent members take their defaults. */
	static TaskChanges allMembers(JsonNode body) {
		return parse(body, false);
	}

	/** RFC 7396: absent members stay as they are. */
	static TaskChanges mergePatch(JsonNode body) {
		return parse(body, true);
	}

	/** The body of {@code PATCH /api/tasks/{id}/complete}. */
	static TaskChanges completion(JsonNode body) {
		JsonNode completed = body.get("completed");
		if (completed == null || !completed.isBoolean()) {
			throw new ValidationException(List.of(new FieldError("completed", "must be true or false")));
		}
		return new TaskChanges(new EnumMap<>(Map.of(Member.COMPLETED, completed.booleanValue())));
	}

	/** The members to write, in a fixed order; a value may be {@code null}. */
	Map<Member, @Nullable Object> values() {
		return this.values;
	}

	boolean isEmpty() {
		return this.values.isEmpty();
	}

	private static TaskChanges parse(JsonNode body, boolean mergePatch) {
		Map<Member, @Nullable Object> values = new EnumMap<>(Member.class);
		List<FieldError> errors = new ArrayList<>();
		for (Member member : Member.values()) {
			JsonNode node = body.get(member.column);
			if (node == null && mergePatch) {
				continue;
			}
			try {
				values.put(member, parse(member, (node == null || node.isNull()) ? null : node));
			}
			catch (InvalidMemberException ex) {
				errors.add(new FieldError(member.column, ex.getMessage()));
			}
		}
		if (!errors.isEmpty()) {
			throw new ValidationException(errors);
		}
		return new TaskChanges(values);
	}

	private static @Nullable Object parse(Member member, @Nullable JsonNode node) {
		return switch (member) {
			case TITLE -> {
				if (node == null) {
					throw new InvalidMemberException("is required");
				}
				String title = text(node).strip();
				if (title.isEmpty()) {
					throw new InvalidMemberException("must not be blank");
				}
				yield maxLength(title, MAX_TITLE_LENGTH);
			}
			case DESCRIPTION -> (node != null) ? maxLength(text(node), MAX_DESCRIPTION_LENGTH) : null;
			case COMPLETED -> {
				if (node != null && !node.isBoolean()) {
					throw new InvalidMemberException("must be true or false");
				}
				yield node != null && node.booleanValue();
			}
			case PRIORITY -> {
				Priority priority = (node != null)
						? Priority.ofValue(node.isString() ? node.stringValue() : "")
							.orElseThrow(() -> new InvalidMemberException("must be one of low, medium, high"))
						: Priority.MEDIUM;
				yield priority.code();
			}
			case DUE_DATE -> (node != null) ? timestamp(text(node)) : null;
			case TAGS -> tags(node);
		};
	}

	private static String text(JsonNode node) {
		if (!node.isString()) {
			throw new InvalidMemberException("must be a string");
		}
		String text = node.stringValue();
		if (text.indexOf('\0') >= 0) {
			throw new InvalidMemberException("must not contain the NUL character");
		}
		return text;
	}

	private static String maxLength(String text, int max) {
		if (text.codePointCount(0, text.length()) > max) {
			throw new InvalidMemberException("must be at most " + max + " characters");
		}
		return text;
	}

	/**
	 * RFC 3339, or a bare date meaning midnight UTC; years 1 to 9999 fit every client.
	 */
	private static Instant timestamp(String text) {
		return parseTimestamp(text).orElseThrow(() -> new InvalidMemberException(TIMESTAMP_RULE));
	}

	static final String TIMESTAMP_RULE = "must be an RFC 3339 timestamp such as 2026-12-01T17:00:00Z, or a date such as 2026-12-01";

	/** What {@code due_date} accepts; also the form of the list's due date filters. */
	static Optional<Instant> parseTimestamp(String text) {
		try {
			OffsetDateTime timestamp = (text.length() == 10)
					? LocalDate.parse(text).atStartOfDay().atOffset(ZoneOffset.UTC) : OffsetDateTime.parse(text);
			if (timestamp.getYear() >= 1 && timestamp.getYear() <= 9999) {
				return Optional.of(timestamp.toInstant());
			}
		}
		catch (DateTimeParseException ex) {
			// not a timestamp
		}
		return Optional.empty();
	}

	private static String[] tags(@Nullable JsonNode node) {
		if (node == null) {
			return new String[0];
		}
		if (!node.isArray()) {
			throw new InvalidMemberException("must be an array of strings");
		}
		Set<String> tags = new LinkedHashSet<>();
		for (JsonNode element : node.values()) {
			String tag = text(element).strip().toLowerCase(Locale.ROOT);
			if (tag.isEmpty() || tag.codePointCount(0, tag.length()) > MAX_TAG_LENGTH) {
				throw new InvalidMemberException("must contain tags of 1 to " + MAX_TAG_LENGTH + " characters");
			}
			tags.add(tag);
			if (tags.size() > MAX_TAGS) {
				throw new InvalidMemberException("must have at most " + MAX_TAGS + " distinct tags");
			}
		}
		return tags.toArray(String[]::new);
	}

	private static final class InvalidMemberException extends RuntimeException {

		InvalidMemberException(String message) {
			super(message, null, false, false);
		}

	}

}
