package app.todo.security.jwt;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.oauth2.jwt.JwtClaimNames;

/**
 * Reads Better Auth's session cookie-cache token ({@code better-auth.session_data} with
 * the {@code jwt} strategy, signed HS256 with {@code BETTER_AUTH_SECRET}): claims
 * {@code {session, user, updatedAt, version, iat, exp}}, no {@code sub}, {@code iss} or
 * {@code aud}. The user is {@code user.id}, which must be {@code session.userId}, and the
 * session must not have expired; then the token reads as one with that {@code sub} and
 * the user's {@code email} and {@code name}. Anything else is left without a {@code sub},
 * which the validators refuse. Tokens that have a {@code sub} pass unchanged.
 */
final class CookieCacheClaims implements Converter<Map<String, Object>, Map<String, Object>> {

	@Override
	public Map<String, Object> convert(Map<String, Object> claims) {
		if (claims.containsKey(JwtClaimNames.SUB) || !(claims.get("session") instanceof Map<?, ?> session)
				|| !(claims.get("user") instanceof Map<?, ?> user)) {
			return claims;
		}
		if (!(user.get("id") instanceof String userId) || !userId.equals(session.get("userId"))
				|| hasExpired(session.get("expiresAt"))) {
			return claims;
		}
		Map<String, Object> converted = new HashMap<>(claims);
		converted.put(JwtClaimNames.SUB, userId);
		putIfString(converted, "email", user.get("email"));
		putIfString(converted, "name", user.get("name"));
		return converted;
	}

	static boolean isCookieCache(Map<String, Object> claims) {
		return claims.get("session") instanceof Map<?, ?> && claims.get("user") instanceof Map<?, ?>
				&& !claims.containsKey(JwtClaimNames.ISS);
	}

	/**
	 * {@code expiresAt} is the session's end as JSON writes a Date: an ISO-8601 string.
	 */
	private static boolean hasExpired(@Nullable Object expiresAt) {
		if (expiresAt == null) {
			return false;
		}
		if (!(expiresAt instanceof String text)) {
			return true;
		}
		try {
			return Instant.parse(text).isBefore(Instant.now());
		}
		catch (DateTimeParseException ex) {
			return true;
		}
	}

	private static void putIfString(Map<String, Object> claims, String name, @Nullable Object value) {
		if (value instanceof String text) {
			claims.put(name, text);
		}
	}

}
