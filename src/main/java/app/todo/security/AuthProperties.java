package app.todo.security;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which tokens to trust, from {@code BETTER_AUTH_SECRET}, {@code BETTER_AUTH_URL},
 * {@code BETTER_AUTH_COOKIE_CACHE}, {@code JWT_ISSUER}, {@code JWT_AUDIENCE},
 * {@code JWT_JWKS_URI}, {@code JWKS_REFRESH_INTERVAL} and {@code JWKS_REFETCH_COOLDOWN}.
 * Blank means unset.
 *
 * @param secret shared secret of HS256 tokens
 * @param url base URL of the Better Auth server: its JWKS, issuer and audience
 * @param cookieCache whether Better Auth's HS256 session cookie-cache token
 * ({@code better-auth.session_data}, strategy {@code jwt}) is accepted too
 * @param clockSkew leeway for {@code exp} and {@code nbf}, at most 60 s
 * @param jwksRefreshInterval how often the JWKS is refetched in the background
 * @param jwksRefetchCooldown least time between two fetches caused by unknown key ids
 */
@ConfigurationProperties("todo.auth")
record AuthProperties(@Nullable String secret, @Nullable String url, @Nullable String issuer,
		@Nullable String audience, @Nullable String jwksUri, boolean cookieCache,
		@DefaultValue("60s") Duration clockSkew, @DefaultValue("5m") Duration jwksRefreshInterval,
		@DefaultValue("5s") Duration jwksRefetchCooldown) {

	AuthProperties {
		secret = blankToNull(secret);
		url = blankToNull(url);
		issuer = blankToNull(issuer);
		audience = blankToNull(audience);
		jwksUri = blankToNull(jwksUri);
	}

	private static @Nullable String blankToNull(@Nullable String value) {
		return (value == null || value.isBlank()) ? null : value.strip();
	}

}
