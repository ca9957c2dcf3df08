package app.todo.task;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import org.jspecify.annotations.Nullable;

import app.todo.web.InvalidParameterException;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * Where a delta sync starts, as the opaque value of {@code updated_since} and
 * {@code Sync-Token}.
 * <p>
 * {@code floor} is a number in the user's changes ({@code change_seq}): every change
 * below it had committed when the token was made, so every change the client has not seen
 * is numbered at or above it (see {@link TaskChangeFeed}). {@code since} is when the
 * token was made, for the retention check. A token may also carry where the page it
 * continues ended ({@link Page}).
 * <p>
 * Tokens of format {@code s2}; those of {@code s1}, which held PostgreSQL transaction ids
 * (before changelog 010), are answered {@code 410} with the resync, as an expired one.
 * <p>
 * Like the list's cursor, bound to the user by the digest of {@link OpaqueTokens}.
 *
 * @param floor the lowest {@code change_seq} wanted; null for a timestamp or a full sync
 * @param since changes after this time (a timestamp), or when the token was made; null
 * for a full sync
 * @param page where the previous page ended, for its {@code rel="next"} link
 */
record SyncToken(@Nullable Long floor, @Nullable Instant since, @Nullable Page page) {

	/** Everything there is now: the first sync of a client, or after a {@code 410}. */
	static final SyncToken FULL = new SyncToken(null, null, null);

	private static final int MAX_LENGTH = 512;

	private static final String FORMAT = "s2";

	/** Tokens whose floor was a transaction id: before changelog 010. */
	private static final String XID_FORMAT = "s1";

	/** Keeps a sync token from passing for a cursor, and the other way round. */
	private static final String DOMAIN = "sync-token\0";

	/**
	 * A page's end, and the floor and time of the token that the last page will hand out:
	 * those of the first page's snapshot, the oldest of all the pages, so that nothing
	 * that committed while the client paged is skipped.
	 */
	record Page(long nextFloor, Instant nextSince, long afterSeq, long afterId) {
	}

	static SyncToken after(long floor, Instant madeAt) {
		return new SyncToken(floor, madeAt, null);
	}

	static SyncToken afterTime(Instant time) {
		return new SyncToken(null, time, null);
	}

	SyncToken continuedAfter(Page page) {
		return new SyncToken(this.floor, this.since, page);
	}

	String encode(String callerId) {
		String payload = String.join("\n", FORMAT, text(this.floor), text(this.since),
				(this.page != null) ? this.page.nextFloor() + "\n" + this.page.nextSince() + "\n" + this.page.afterSeq()
						+ "\n" + this.page.afterId() : "-");
		return OpaqueTokens.encode(DOMAIN, callerId, payload);
	}

	static SyncToken decode(String token, String callerId) {
		String payload = OpaqueTokens.decode(token, DOMAIN, callerId, MAX_LENGTH);
		if (payload == null) {
			throw invalid();
		}
		String[] parts = payload.split("\n", -1);
		if (parts[0].equals(XID_FORMAT)) {
			throw new SyncTokenOutdatedException();
		}
		try {
			if (parts[0].equals(FORMAT) && parts.length == 4 && parts[3].equals("-")) {
				return new SyncToken(longOrNull(parts[1]), instantOrNull(parts[2]), null);
			}
			if (parts[0].equals(FORMAT) && parts.length == 7) {
				return new SyncToken(longOrNull(parts[1]), instantOrNull(parts[2]), new Page(Long.parseLong(parts[3]),
						Instant.parse(parts[4]), Long.parseLong(parts[5]), Long.parseLong(parts[6])));
			}
		}
		catch (NumberFormatException | DateTimeParseException ex) {
			// made by this API, so never
		}
		throw invalid();
	}

	private static String text(@Nullable Object value) {
		return (value != null) ? value.toString() : "-";
	}

	private static @Nullable Long longOrNull(String text) {
		return text.equals("-") ? null : Long.valueOf(text);
	}

	private static @Nullable Instant instantOrNull(String text) {
		return text.equals("-") ? null : Instant.parse(text);
	}

	/**
	 * {@code 410}: a token of this API from before its tokens counted each user's
	 * changes. The detail is that of any resync, so that clients handle both alike.
	 */
	static final class SyncTokenOutdatedException extends ErrorResponseException {

		SyncTokenOutdatedException() {
			super(HttpStatus.GONE);
			getBody().setDetail("This Sync-Token (or event id) was made by an earlier version of this API, which "
					+ "numbered changes differently. Discard the local copy and sync from the start with "
					+ "GET /api/tasks?updated_since=* (and open the event stream with the Sync-Token it returns).");
		}

	}

	private static InvalidParameterException invalid() {
		return new InvalidParameterException(TaskListParameters.UPDATED_SINCE,
				"is not a Sync-Token this API made for you, nor an RFC 3339 timestamp, nor *.");
	}

}
