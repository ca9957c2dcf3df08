package app.todo.security;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which tokens to trust, from {@code BETTER_AUTH_SECRET}, {@code BETTER_AUTH_URL},
 * {@code JWT_ISSUER}, {@code JWT_AUDIENCE} and {@code JWT_JWKS_URI}. Blank means unset.
 *
 * @param secret shared secret of HS256 tokens
 * @param url base URL of the Better Auth server: its JWKS, issuer and audience
 * @param clockSkew leeway for {@code exp} and {@code nbf}, at most 60 s
 */
@ConfigurationProperties("todo.auth")
record AuthProperties(@Nullable String secret, @Nullable String url, @Nullable String issuer,
		@Nullable String audience, @Nullable String jwksUri, @DefaultValue("60s") Duration clockSkew) {

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
