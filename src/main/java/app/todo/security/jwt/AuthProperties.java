package app.todo.security.jwt;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import app.todo.InvalidConfigurationException;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which tokens to trust, from {@code BETTER_AUTH_SECRET}, {@code BETTER_AUTH_URL},
 * {@code BETTER_AUTH_COOKIE_CACHE}, {@code JWT_ISSUER}, {@code JWT_AUDIENCE},
 * {@code JWT_JWKS_URI}, {@code JWKS_REFRESH_INTERVAL} and {@code JWKS_REFETCH_COOLDOWN}.
 * Blank means unset. Every rule on them is checked here, at start-up.
 *
 * @param secret shared secret of HS256 tokens
 * @param url base URL of the Better Auth server: its JWKS, and its origin is the issuer
 * and audience, as Better Auth's JWT plugin takes {@code new URL(baseURL).origin} for
 * both (so a trailing slash, a path or a default port make no difference)
 * @param cookieCache whether Better Auth's HS256 session cookie-cache token
 * ({@code better-auth.session_data}, strategy {@code jwt}) is accepted too
 * @param clockSkew leeway for {@code exp} and {@code nbf}, at most 60 s
 * @param jwksRefreshInterval how often the JWKS is refetched in the background
 * @param jwksRefetchCooldown least time between two fetches caused by unknown key ids
 */
@ConfigurationProperties("todo.auth")
record AuthProperties(@Nullable String secret, @Nullable String url, @Nullable String issuer, @Nullable String audience,
		@Nullable String jwksUri, boolean cookieCache, @DefaultValue("60s") Duration clockSkew,
		@DefaultValue("5m") Duration jwksRefreshInterval, @DefaultValue("5s") Duration jwksRefetchCooldown) {

	static final int MIN_SECRET_BYTES = 32;

	AuthProperties {
		secret = blankToNull(secret);
		url = blankToNull(url);
		issuer = blankToNull(issuer);
		audience = blankToNull(audience);
		jwksUri = blankToNull(jwksUri);
		// In the order start-up has always reported them: one bad setting at a time
		if (clockSkew.isNegative() || clockSkew.compareTo(TokenValidators.MAX_CLOCK_SKEW) > 0) {
			throw new InvalidConfigurationException("todo.auth.clock-skew must be between 0 and 60 seconds.",
					"Set a clock skew of at most 60s.");
		}
		if (cookieCache && secret == null) {
			throw new InvalidConfigurationException("BETTER_AUTH_COOKIE_CACHE is on but BETTER_AUTH_SECRET is unset.",
					"Set BETTER_AUTH_SECRET to the secret Better Auth signs its session cookie cache with.");
		}
		if (secret != null && secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
			throw new InvalidConfigurationException(
					"BETTER_AUTH_SECRET is " + secret.getBytes(StandardCharsets.UTF_8).length
							+ " bytes long; HS256 needs at least " + MIN_SECRET_BYTES + ".",
					"Use a random secret of 32 bytes or more, for example the output of: openssl rand -base64 32");
		}
		if (jwksLocation(url, jwksUri) != null) {
			// The background schedule ticks at the shorter of the two: zero would be a
			// loop that
			// never sleeps, and a cool-down of zero would let every unknown kid fetch the
			// JWKS
			if (jwksRefetchCooldown.compareTo(Duration.ofMillis(100)) < 0
					|| jwksRefetchCooldown.compareTo(Duration.ofHours(1)) > 0
					|| jwksRefreshInterval.compareTo(Duration.ofSeconds(1)) < 0
					|| jwksRefreshInterval.compareTo(Duration.ofDays(1)) > 0) {
				throw new InvalidConfigurationException(
						"JWKS_REFRESH_INTERVAL must be from 1s to 1d and JWKS_REFETCH_COOLDOWN from 100ms to 1h.",
						"Set durations such as JWKS_REFRESH_INTERVAL=5m and JWKS_REFETCH_COOLDOWN=5s.");
			}
			required(issuer, url, "JWT_ISSUER");
			required(audience, url, "JWT_AUDIENCE");
		}
	}

	/** The shared secret's bytes; null when HS256 tokens are off. */
	byte @Nullable [] secretBytes() {
		return (this.secret != null) ? this.secret.getBytes(StandardCharsets.UTF_8) : null;
	}

	/**
	 * Where the JWKS is: {@code JWT_JWKS_URI}, else Better Auth's; null when none is
	 * configured.
	 */
	@Nullable URI jwksLocation() {
		return jwksLocation(this.url, this.jwksUri);
	}

	/**
	 * The issuer of JWKS tokens: {@code JWT_ISSUER} as given, else the origin of
	 * {@code BETTER_AUTH_URL}.
	 */
	String jwksIssuer() {
		return required(this.issuer, origin(this.url), "JWT_ISSUER");
	}

	/**
	 * The audience of JWKS tokens: {@code JWT_AUDIENCE} as given, else the origin of
	 * {@code BETTER_AUTH_URL}.
	 */
	String jwksAudience() {
		return required(this.audience, origin(this.url), "JWT_AUDIENCE");
	}

	/**
	 * What Better Auth puts in {@code iss} and {@code aud} by default: its base URL's
	 * origin ({@code new URL(baseURL).origin}), scheme and host lower-cased, the port
	 * only when it is not the scheme's default, no path and no trailing slash.
	 */
	static @Nullable String origin(@Nullable String url) {
		if (url == null) {
			return null;
		}
		URI uri = absoluteHttpUri(url, "BETTER_AUTH_URL");
		String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
		int port = uri.getPort();
		boolean defaultPort = port == -1 || ("http".equals(scheme) && port == 80)
				|| ("https".equals(scheme) && port == 443);
		return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
	}

	private static @Nullable URI jwksLocation(@Nullable String url, @Nullable String jwksUri) {
		if (jwksUri != null) {
			return absoluteHttpUri(jwksUri, "JWT_JWKS_URI");
		}
		if (url != null) {
			String base = absoluteHttpUri(url, "BETTER_AUTH_URL").toString().replaceAll("/+$", "");
			return URI.create(base + "/api/auth/jwks");
		}
		return null;
	}

	private static URI absoluteHttpUri(String value, String variable) {
		try {
			URI uri = new URI(value);
			if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
				return uri;
			}
		}
		catch (URISyntaxException ex) {
			// reported below
		}
		throw new InvalidConfigurationException(variable + " is not an absolute http(s) URL.",
				"Set " + variable + " to a URL such as https://auth.example.com");
	}

	private static String required(@Nullable String value, @Nullable String fallback, String variable) {
		if (value != null) {
			return value;
		}
		if (fallback != null) {
			return fallback;
		}
		throw new InvalidConfigurationException(
				variable + " is required with JWT_JWKS_URI when BETTER_AUTH_URL is unset.",
				"Set " + variable + " or BETTER_AUTH_URL.");
	}

	private static @Nullable String blankToNull(@Nullable String value) {
		return (value == null || value.isBlank()) ? null : value.strip();
	}

}
