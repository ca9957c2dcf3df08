package app.todo.security;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.crypto.spec.SecretKeySpec;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import app.todo.InvalidConfigurationException;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.MappedJwtClaimSetConverter;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.util.StringUtils;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The token check of the resource server: HS256 with {@code BETTER_AUTH_SECRET} (and, when
 * {@code BETTER_AUTH_COOKIE_CACHE} is on, Better Auth's session cookie-cache token), asymmetric
 * tokens against the JWKS of {@code BETTER_AUTH_URL}, and any {@link BearerTokenSource} bean.
 * Start-up names every source that is on in one line, and fails when none is or when a setting
 * is unusable.
 */
@Configuration(proxyBeanMethods = false)
class JwtConfiguration {

	private static final Log logger = LogFactory.getLog(JwtConfiguration.class);

	static final int MIN_SECRET_BYTES = 32;

	@Bean
	@Conditional(JwksConfigured.class)
	RemoteJwkSet remoteJwkSet(AuthProperties properties, MeterRegistry meters) {
		URI uri = jwksUri(properties);
		if (uri == null) {
			throw new IllegalStateException("No JWKS URL");
		}
		// The background schedule ticks at the shorter of the two: zero would be a loop that never
		// sleeps, and a cool-down of zero would let every unknown kid fetch the JWKS
		if (properties.jwksRefetchCooldown().compareTo(Duration.ofMillis(100)) < 0
				|| properties.jwksRefetchCooldown().compareTo(Duration.ofHours(1)) > 0
				|| properties.jwksRefreshInterval().compareTo(Duration.ofSeconds(1)) < 0
				|| properties.jwksRefreshInterval().compareTo(Duration.ofDays(1)) > 0) {
			throw new InvalidConfigurationException(
					"JWKS_REFRESH_INTERVAL must be from 1s to 1d and JWKS_REFETCH_COOLDOWN from 100ms to 1h.",
					"Set durations such as JWKS_REFRESH_INTERVAL=5m and JWKS_REFETCH_COOLDOWN=5s.");
		}
		return new RemoteJwkSet(jwksClient(), uri, properties.jwksRefreshInterval(), properties.jwksRefetchCooldown(),
				meters);
	}

	/** Readiness is down until the JWKS has been fetched once; up when none is configured. */
	@Bean
	ReactiveHealthIndicator jwksHealthIndicator(ObjectProvider<RemoteJwkSet> jwkSet) {
		return () -> {
			RemoteJwkSet set = jwkSet.getIfAvailable();
			return Mono.just((set == null || set.isLoaded()) ? Health.up().build() : Health.outOfService().build());
		};
	}

	@Bean
	ReactiveJwtDecoder jwtDecoder(AuthProperties properties, ObjectProvider<RemoteJwkSet> jwkSet,
			ObjectProvider<BearerTokenSource> otherSources) {
		if (properties.clockSkew().isNegative() || properties.clockSkew().compareTo(TokenValidators.MAX_CLOCK_SKEW) > 0) {
			throw new InvalidConfigurationException("todo.auth.clock-skew must be between 0 and 60 seconds.",
					"Set a clock skew of at most 60s.");
		}
		if (properties.cookieCache() && properties.secret() == null) {
			throw new InvalidConfigurationException("BETTER_AUTH_COOKIE_CACHE is on but BETTER_AUTH_SECRET is unset.",
					"Set BETTER_AUTH_SECRET to the secret Better Auth signs its session cookie cache with.");
		}
		List<String> sources = new ArrayList<>();
		ReactiveJwtDecoder hmac = null;
		if (properties.secret() != null) {
			hmac = hmacDecoder(secretBytes(properties.secret()), properties);
			sources.add("HS256 tokens signed with BETTER_AUTH_SECRET");
			if (properties.cookieCache()) {
				sources.add("Better Auth session cookie-cache tokens (HS256, BETTER_AUTH_COOKIE_CACHE)");
			}
		}
		ReactiveJwtDecoder asymmetric = null;
		RemoteJwkSet keys = jwkSet.getIfAvailable();
		if (keys != null) {
			String issuer = required(properties.issuer(), properties.url(), "JWT_ISSUER");
			String audience = required(properties.audience(), properties.url(), "JWT_AUDIENCE");
			asymmetric = jwksDecoder(keys, TokenValidators.standard(properties.clockSkew(), issuer, audience));
			sources.add("Better Auth EdDSA/ES/RS/PS tokens from the JWKS at " + keys.uri() + " (issuer " + issuer
					+ ", audience " + audience + ")");
		}
		List<BearerTokenSource> others = otherSources.orderedStream().toList();
		others.forEach((source) -> sources.add(source.description()));
		if (sources.isEmpty()) {
			throw new InvalidConfigurationException("No token source is configured: no request could ever be signed in.",
					"Set BETTER_AUTH_URL (the Better Auth server whose JWKS signs tokens) and/or BETTER_AUTH_SECRET (HS256, 32 bytes or more), or leave the API's own accounts on (ACCOUNTS_ENABLED).");
		}
		logger.info("Accepting bearer tokens: " + String.join("; ", sources));
		return new VerifiedTokenCache(new AlgorithmRoutingJwtDecoder(others, hmac, asymmetric));
	}

	static ReactiveJwtDecoder jwksDecoder(RemoteJwkSet keys, OAuth2TokenValidator<Jwt> validator) {
		NimbusReactiveJwtDecoder decoder = new NimbusReactiveJwtDecoder(new JwkSetClaimsVerifier(keys));
		decoder.setJwtValidator(validator);
		return decoder;
	}

	static ReactiveJwtDecoder hmacDecoder(byte[] secret, AuthProperties properties) {
		NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder
			.withSecretKey(new SecretKeySpec(secret, "HmacSHA256"))
			.macAlgorithm(MacAlgorithm.HS256)
			.build();
		// Issuer and audience are checked only when configured explicitly: shared-secret
		// tokens are minted by the application's own backend, not by Better Auth's JWT plugin
		OAuth2TokenValidator<Jwt> validator = TokenValidators.standard(properties.clockSkew(), properties.issuer(),
				properties.audience());
		if (properties.cookieCache()) {
			Converter<Map<String, Object>, Map<String, Object>> defaults = MappedJwtClaimSetConverter
				.withDefaults(Map.of());
			CookieCacheClaims cookieCache = new CookieCacheClaims();
			decoder.setClaimSetConverter((claims) -> defaults.convert(cookieCache.convert(claims)));
			// The cookie cache has no issuer or audience to check
			OAuth2TokenValidator<Jwt> cookieCacheValidator = TokenValidators.standard(properties.clockSkew(), null, null);
			OAuth2TokenValidator<Jwt> standard = validator;
			validator = (jwt) -> CookieCacheClaims.isCookieCache(jwt.getClaims()) ? cookieCacheValidator.validate(jwt)
					: standard.validate(jwt);
		}
		decoder.setJwtValidator(validator);
		return decoder;
	}

	private static byte[] secretBytes(String secret) {
		byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
		if (bytes.length < MIN_SECRET_BYTES) {
			throw new InvalidConfigurationException(
					"BETTER_AUTH_SECRET is " + bytes.length + " bytes long; HS256 needs at least " + MIN_SECRET_BYTES + ".",
					"Use a random secret of 32 bytes or more, for example the output of: openssl rand -base64 32");
		}
		return bytes;
	}

	static @Nullable URI jwksUri(AuthProperties properties) {
		if (properties.jwksUri() != null) {
			return absoluteHttpUri(properties.jwksUri(), "JWT_JWKS_URI");
		}
		if (properties.url() != null) {
			String base = absoluteHttpUri(properties.url(), "BETTER_AUTH_URL").toString().replaceAll("/+$", "");
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
		throw new InvalidConfigurationException(variable + " is required with JWT_JWKS_URI when BETTER_AUTH_URL is unset.",
				"Set " + variable + " or BETTER_AUTH_URL.");
	}

	static WebClient jwksClient() {
		HttpClient httpClient = HttpClient.create()
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 3000)
			.responseTimeout(Duration.ofSeconds(5));
		return WebClient.builder().clientConnector(new ReactorClientHttpConnector(httpClient)).build();
	}

	static final class JwksConfigured implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return StringUtils.hasText(context.getEnvironment().getProperty("todo.auth.url"))
					|| StringUtils.hasText(context.getEnvironment().getProperty("todo.auth.jwks-uri"));
		}

	}

}
