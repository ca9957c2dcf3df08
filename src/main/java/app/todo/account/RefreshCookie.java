package app.todo.account;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpCookie;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * The cookie that carries a refresh token: {@code HttpOnly} (no script reads it),
 * {@code Secure}, {@code SameSite=Strict} (no other site's page sends it) and only for
 * {@link #PATH}, where refresh and sign-out are, so that no other request carries it.
 * <p>
 * The routes that read it also need the {@link #CSRF_HEADER} header: a page of another
 * origin can send that header only after a CORS preflight, which the API grants with
 * credentials to the exact origins of {@code CORS_ALLOWED_ORIGINS} only, so no other page
 * can make a browser spend or end its session, even one of the same site (which
 * {@code SameSite} lets through).
 */
final class RefreshCookie {

	static final String NAME = "todo_refresh";

	static final String PATH = "/api/auth";

	static final String CSRF_HEADER = "X-Requested-With";

	private RefreshCookie() {
	}

	static ResponseCookie of(String token, Duration lifetime) {
		return base(token).maxAge(lifetime).build();
	}

	static ResponseCookie cleared() {
		return base("").maxAge(Duration.ZERO).build();
	}

	private static ResponseCookie.ResponseCookieBuilder base(String value) {
		return ResponseCookie.from(NAME, value).httpOnly(true).secure(true).sameSite("Strict").path(PATH);
	}

	/**
	 * The request's refresh token: null when it has none, or more than one (a cookie of
	 * the same name planted from a sibling subdomain would otherwise be read first).
	 */
	static @Nullable String read(ServerRequest request) {
		List<HttpCookie> cookies = request.cookies().get(NAME);
		if (cookies == null || cookies.size() != 1) {
			return null;
		}
		return cookies.get(0).getValue();
	}

	/** Every refresh token of the request, for the sign-out that ends them all. */
	static List<String> readAll(ServerRequest request) {
		List<HttpCookie> cookies = request.cookies().get(NAME);
		return (cookies != null) ? cookies.stream().map(HttpCookie::getValue).toList() : List.of();
	}

	/** Throws the {@code 403} when the request lacks {@link #CSRF_HEADER}. */
	static void checkCsrfHeader(ServerRequest request) {
		String value = request.headers().firstHeader(CSRF_HEADER);
		if (value == null || value.isBlank()) {
			throw new MissingCsrfHeaderException();
		}
	}

	static final class MissingCsrfHeaderException extends ErrorResponseException {

		MissingCsrfHeaderException() {
			super(HttpStatus.FORBIDDEN);
			getBody().setDetail("Send the header " + CSRF_HEADER
					+ " (any value, such as 'fetch') with the refresh cookie: a page of another site cannot.");
		}

	}

}
