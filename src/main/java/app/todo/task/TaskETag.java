package app.todo.task;

import java.util.List;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import app.todo.web.InvalidHeaderException;

import org.springframework.http.ETag;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * A task's entity tag, {@code "<version>"}: a strong validator, since the version grows with
 * every change of the stored task, and its conditional headers.
 * <p>
 * Spring's {@link ETag#parse} skips what it cannot read, which would quietly turn a client's
 * {@code If-Match: 3} (unquoted) into no precondition at all: a header that is not a valid
 * RFC 9110 list of entity tags is a {@code 400} instead, before anything is read or written.
 */
final class TaskETag {

	private static final String ENTITY_TAG = "(?:W/)?\"[\\x21\\x23-\\x7E\\x80-\\xFF]*\"";

	private static final Pattern LIST = Pattern.compile(
			"\\*|(?:\\s*,)*\\s*" + ENTITY_TAG + "(?:(?:\\s*,)+\\s*" + ENTITY_TAG + ")*(?:\\s*,)*");

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
			.filter((tag) -> !tag.weak() && tag.tag().matches("[1-9]\\d{0,8}"))
			.map((tag) -> Integer.valueOf(tag.tag()))
			.toArray(Integer[]::new);
	}

	/** Whether {@code If-None-Match} names the task's current version, compared weakly. */
	static boolean noneMatchFails(ServerRequest request, Task task) {
		List<ETag> tags = tags(request, HttpHeaders.IF_NONE_MATCH);
		ETag current = ETag.create(of(task));
		return tags != null && tags.stream().anyMatch((tag) -> tag.isWildcard() || tag.compare(current, false));
	}

	/** Whether the request makes {@code If-Match} or {@code If-None-Match} wrong before any work. */
	static void check(ServerRequest request) {
		tags(request, HttpHeaders.IF_MATCH);
		tags(request, HttpHeaders.IF_NONE_MATCH);
	}

	private static @Nullable List<ETag> tags(ServerRequest request, String header) {
		List<String> values = request.headers().header(header);
		if (values.isEmpty()) {
			return null;
		}
		String value = String.join(", ", values);
		boolean wildcard = values.stream().anyMatch((line) -> line.strip().equals("*"));
		if (value.length() > 4096 || (wildcard && values.size() > 1)
				|| !values.stream().allMatch((line) -> LIST.matcher(line.strip()).matches())) {
			throw new InvalidHeaderException(header,
					"must be * or a list of entity tags such as \"3\" or W/\"3\", quotes included.");
		}
		return ETag.parse(value.strip());
	}

}
