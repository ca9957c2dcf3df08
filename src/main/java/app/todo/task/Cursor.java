package app.todo.task;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;

import app.todo.task.TaskListQuery.Position;
import app.todo.task.TaskListQuery.Status;
import app.todo.web.InvalidParameterException;

/**
 * The opaque {@code cursor} of the list: the position after which the next page starts, bound
 * to one user and one query by a digest. It needs no secret key: every query is confined to
 * the caller's own rows, so a forged position can reveal nothing; the digest is what turns a
 * damaged cursor, or one from another query or user, into a {@code 400} instead of a wrong page.
 */
final class Cursor {

	private static final int MAX_LENGTH = 1024;

	private static final int DIGEST_BYTES = 16;

	private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

	private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

	private Cursor() {
	}

	static String encode(String callerId, TaskSort sort, Status status, TaskFilters filters, Position position) {
		String value = (position.value() != null) ? "=" + toText(position.value()) : "~";
		String payload = String.join("\n", sort.parameter(), status.parameter(), filtersDigest(filters),
				Long.toString(position.id()), value);
		return ENCODER.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
				+ ENCODER.encodeToString(digest(callerId, payload));
	}

	static Position decode(String cursor, String callerId, TaskSort sort, Status status, TaskFilters filters) {
		int dot = cursor.indexOf('.');
		if (cursor.length() > MAX_LENGTH || dot < 0) {
			throw invalid();
		}
		String payload;
		byte[] digest;
		try {
			payload = new String(DECODER.decode(cursor.substring(0, dot)), StandardCharsets.UTF_8);
			digest = DECODER.decode(cursor.substring(dot + 1));
		}
		catch (IllegalArgumentException ex) {
			throw invalid();
		}
		String[] parts = payload.split("\n", 5);
		if (!MessageDigest.isEqual(digest, digest(callerId, payload)) || parts.length != 5) {
			throw invalid();
		}
		if (!parts[0].equals(sort.parameter()) || !parts[1].equals(status.parameter())
				|| !parts[2].equals(filtersDigest(filters))) {
			throw new InvalidParameterException("cursor",
					"belongs to another query: keep the sort, status and filters it was made for.");
		}
		try {
			Object value = parts[4].startsWith("=") ? fromText(parts[4].substring(1), sort.field().type) : null;
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

	/** The filters, short enough for a URL whatever their size (a query can hold 20 tags and q). */
	private static String filtersDigest(TaskFilters filters) {
		return ENCODER.encodeToString(digest("", filters.key()));
	}

	private static byte[] digest(String callerId, String payload) {
		try {
			MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
			sha256.update(callerId.getBytes(StandardCharsets.UTF_8));
			sha256.update((byte) 0);
			return Arrays.copyOf(sha256.digest(payload.getBytes(StandardCharsets.UTF_8)), DIGEST_BYTES);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static InvalidParameterException invalid() {
		return new InvalidParameterException("cursor", "is not a cursor this API made for you; start again without it.");
	}

}
