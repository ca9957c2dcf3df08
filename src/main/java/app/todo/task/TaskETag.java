package app.todo.task;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import app.todo.web.InvalidHeaderException;

import org.springframework.http.ETag;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * A task's entity tag, {@code "<version>"}: a strong validator, since the version grows
 * with every change of the stored task, and its conditional headers.
 * <p>
 * Spring's {@link ETag#parse} skips what it cannot read, which would quietly turn a
 * client's {@code If-Match: 3} (unquoted) into no precondition at all: a header that is
 * not a valid RFC 9110 list of entity tags is a {@code 400} instead, before anything is
 * read or written. The lists are read by a single pass over the characters, bounded in
 * length and in tags: a regular expression for a list recursed once per element and
 * overflowed the event loop's stack on a few kilobytes of {@code "1",}.
 */
final class TaskETag {

	/** More than any client holding versions of one task could mean. */
	static final int MAX_TAGS = 64;

	static final int MAX_LENGTH = 4096;

	private TaskETag() {
	}

	static String of(Task task) {
		return of(task.version());
	}

	static String of(int version) {
		return "\"" + version + "\"";
	}

	/**
	 * The versions {@code If-Match} accepts: empty when the header is absent or {@code *}
	 * (any existing task will do), otherwise the versions of its strong tags, compared
	 * strongly as RFC 9110 asks (a weak tag never matches, so a list of weak tags only
	 * leaves an empty array: no version matches).
	 */
	static Integer @Nullable [] ifMatch(ServerRequest request) {
		List<ETag> tags = tags(request, HttpHeaders.IF_MATCH);
		if (tags == null || tags.stream().anyMatch(ETag::isWildcard)) {
			return null;
		}
		return tags.stream()
			.filter((tag) -> !tag.weak() && isVersion(tag.tag()))
			.map((tag) -> Integer.valueOf(tag.tag()))
			.distinct()
			.toArray(Integer[]::new);
	}

	/**
	 * Whether {@code If-None-Match} names the task's current version, compared weakly.
	 */
	static boolean noneMatchFails(ServerRequest request, Task task) {
		List<ETag> tags = tags(request, HttpHeaders.IF_NONE_MATCH);
		ETag current = ETag.create(of(task));
		return tags != null && tags.stream().anyMatch((tag) -> tag.isWildcard() || tag.compare(current, false));
	}

	/**
	 * Whether the request makes {@code If-Match} or {@code If-None-Match} wrong before
	 * any work.
	 */
	static void check(ServerRequest request) {
		tags(request, HttpHeaders.IF_MATCH);
		tags(request, HttpHeaders.IF_NONE_MATCH);
	}

	private static @Nullable List<ETag> tags(ServerRequest request, String header) {
		List<String> values = request.headers().header(header);
		if (values.isEmpty()) {
			return null;
		}
		int length = 0;
		for (String value : values) {
			length += value.length() + 2;
		}
		if (length > MAX_LENGTH) {
			throw malformed(header, "is longer than " + MAX_LENGTH + " characters.");
		}
		if (values.size() == 1 && values.get(0).strip().equals("*")) {
			return ETag.parse("*");
		}
		List<ETag> tags = new ArrayList<>();
		for (String value : values) {
			if (!parseList(value, tags)) {
				throw malformed(header,
						"must be * or a list of entity tags such as \"3\" or W/\"3\", quotes included.");
			}
			if (tags.size() > MAX_TAGS) {
				throw malformed(header, "must name at most " + MAX_TAGS + " entity tags.");
			}
		}
		return tags;
	}

	/**
	 * Adds the entity tags of one header line, {@code #entity-tag} of RFC 9110: tags
	 * separated by commas and optional white space, empty elements allowed, at least one
	 * tag. False when the line is anything else; stops as soon as it holds more than
	 * {@link #MAX_TAGS}.
	 */
	static boolean parseList(String line, List<ETag> tags) {
		int found = 0;
		boolean separated = true;
		int i = 0;
		int length = line.length();
		while (i < length) {
			char c = line.charAt(i);
			if (c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r') {
				i++;
				continue;
			}
			if (c == ',') {
				separated = true;
				i++;
				continue;
			}
			if (!separated) {
				return false;
			}
			boolean weak = c == 'W' && i + 1 < length && line.charAt(i + 1) == '/';
			if (weak) {
				i += 2;
			}
			if (i >= length || line.charAt(i) != '"') {
				return false;
			}
			int start = ++i;
			while (i < length && line.charAt(i) != '"') {
				if (!isTagCharacter(line.charAt(i))) {
					return false;
				}
				i++;
			}
			if (i >= length) {
				return false;
			}
			tags.add(new ETag(line.substring(start, i), weak));
			found++;
			if (tags.size() > MAX_TAGS) {
				return true;
			}
			i++;
			separated = false;
		}
		return found > 0;
	}

	/** etagc: any visible character but the double quote, and obs-text. */
	private static boolean isTagCharacter(char c) {
		return c == 0x21 || (c >= 0x23 && c <= 0x7E) || (c >= 0x80 && c <= 0xFF);
	}

	private static boolean isVersion(String tag) {
		int length = tag.length();
		if (length < 1 || length > 9 || tag.charAt(0) == '0') {
			return false;
		}
		for (int i = 0; i < length; i++) {
			if (tag.charAt(i) < '0' || tag.charAt(i) > '9') {
				return false;
			}
		}
		return true;
	}

	private static InvalidHeaderException malformed(String header, String detail) {
		return new InvalidHeaderException(header, detail);
	}

}
