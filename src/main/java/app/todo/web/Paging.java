package app.todo.web;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * What every paged route shares: single-valued and numeric query parameters, the
 * {@code limit} of a page, and the {@code Link: <...>; rel="next"} header to the next
 * one.
 */
public final class Paging {

	public static final String LIMIT = "limit";

	public static final int DEFAULT_LIMIT = 50;

	public static final int MAX_LIMIT = 200;

	private Paging() {
	}

	/**
	 * The parameter's value; null when absent; a {@code 400} when it is given more than
	 * once.
	 */
	public static @Nullable String single(MultiValueMap<String, String> parameters, String name) {
		List<String> values = parameters.get(name);
		if (values == null || values.isEmpty()) {
			return null;
		}
		if (values.size() > 1) {
			throw new InvalidParameterException(name, "must be given once.");
		}
		return values.get(0);
	}

	/**
	 * The page size: {@value #DEFAULT_LIMIT} unless given, at most {@value #MAX_LIMIT}.
	 */
	public static int limit(MultiValueMap<String, String> parameters) {
		return (int) number(parameters, LIMIT, DEFAULT_LIMIT, 1, MAX_LIMIT);
	}

	/** A whole number from min to max (at most nine digits); the default when absent. */
	public static long number(MultiValueMap<String, String> parameters, String name, long defaultValue, long min,
			long max) {
		String value = single(parameters, name);
		if (value == null) {
			return defaultValue;
		}
		if (isDigits(value, 9)) {
			long number = Long.parseLong(value);
			if (number >= min && number <= max) {
				return number;
			}
		}
		throw new InvalidParameterException(name, "must be a whole number from " + min + " to " + max + ".");
	}

	/**
	 * The {@code Link} header's value for the next page: this request's path and query,
	 * with {@code parameter} set to {@code value} and the {@code dropped} parameters left
	 * out.
	 */
	public static String nextLink(ServerRequest request, String parameter, String value, String... dropped) {
		UriComponentsBuilder uri = UriComponentsBuilder.fromPath(request.path()).queryParams(request.queryParams());
		for (String name : dropped) {
			uri.replaceQueryParam(name);
		}
		return "<" + uri.replaceQueryParam(parameter, value).encode().build().toUriString() + ">; rel=\"next\"";
	}

	/** Without a regular expression: this runs for every list request. */
	private static boolean isDigits(String value, int maxLength) {
		if (value.isEmpty() || value.length() > maxLength) {
			return false;
		}
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c < '0' || c > '9') {
				return false;
			}
		}
		return true;
	}

}
