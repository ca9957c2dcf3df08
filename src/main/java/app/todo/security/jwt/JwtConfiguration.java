package app.todo.security.jwt;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.crypto.spec.SecretKeySpec;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import app.todo.InvalidConfigurationException;
import app.todo.security.TokenRevocations;

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
 * The token check of the resource server: HS256 with {@code BETTER_AUTH_SECRET} (and,
 * when {@code BETTER_AUTH_COOKIE_CACHE} is on, Better Auth's session cookie-cache token),
 * asymmetric tokens against the JWKS of {@code BETTER_AUTH_URL}, and any
 * {@link BearerTokenSource} bean. Start-up names every source that is on in one line, and
 * fails when none is or when a setting is unusable.
 */
@Configuration(proxyBeanMethods = false)
class JwtConfiguration {

	private static final Log logger = LogFactory.getLog(JwtConfiguration.class);

	@Bean
	@Conditional(JwksConfigured.class)
	RemoteJwkSet remoteJwkSet(AuthProperties properties, MeterRegistry meters) {
		URI uri = properties.jwksLocation();
		if (uri == null) {
			throw new IllegalStateException("No JWKS URL");
		}
		return new RemoteJwkSet(jwksClient(), uri, properties.jwksRefreshInterval(), properties.jwksRefetchCooldown(),
				meters);
	}

	/**
	 * Readiness is down until the JWKS has been fetched once; up when none is configured.
	 */
	@Bean
	ReactiveHealthIndicator jwksHealthIndicator(ObjectProvider<RemoteJwkSet> jwkSet) {
		return () -> {
			RemoteJwkSet set = jwkSet.getIfAvailable();
			return Mono.just((set == null || set.isLoaded()) ? Health.up().build() : Health.outOfService().build());
		};
	}

	@Bean
	ReactiveJwtDecoder jwtDecoder(AuthProperties properties, ObjectProvider<RemoteJwkSet> jwkSet,
			ObjectProvider<BearerTokenSource> otherSources, ObjectProvider<TokenRevocations> revocations) {
		List<String> sources = new ArrayList<>();
		ReactiveJwtDecoder hmac = null;
		byte[] secret = properties.secretBytes();
		if (secret != null) {
			hmac = hmacDecoder(secret, properties);
			sources.add("HS256 tokens signed with BETTER_AUTH_SECRET");
			if (properties.cookieCache()) {
				sources.add("Better Auth session cookie-cache tokens (HS256, BETTER_AUTH_COOKIE_CACHE)");
			}
		}
		ReactiveJwtDecoder asymmetric = null;
		RemoteJwkSet keys = jwkSet.getIfAvailable();
		if (keys != null) {
			String issuer = properties.jwksIssuer();
			String audience = properties.jwksAudience();
			asymmetric = jwksDecoder(keys, TokenValidators.standard(properties.clockSkew(), issuer, audience));
			sources.add("Better Auth EdDSA/ES/RS/PS tokens from the JWKS at " + keys.uri() + " (issuer " + issuer
					+ ", audience " + audience + ")");
		}
		List<BearerTokenSource> others = otherSources.orderedStream().toList();
		others.forEach((source) -> sources.add(source.description()));
		if (sources.isEmpty()) {
			throw new InvalidConfigurationException(
					"No token source is configured: no request could ever be signed in.",
					"Set BETTER_AUTH_URL (the Better Auth server whose JWKS signs tokens) and/or BETTER_AUTH_SECRET (HS256, 32 bytes or more), or leave the API's own accounts on (ACCOUNTS_ENABLED).");
		}
		logger.info("Accepting bearer tokens: " + String.join("; ", sources));
		ReactiveJwtDecoder decoder = new VerifiedTokenCache(new AlgorithmRoutingJwtDecoder(others, hmac, asymmetric));
		TokenRevocations revoked = revocations.getIfAvailable();
		return (revoked != null) ? new RevocationCheckingJwtDecoder(decoder, revoked) : decoder;
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
		// tokens are minted by the application's own backend, not by Better Auth's JWT
		// plugin
		OAuth2TokenValidator<Jwt> validator = TokenValidators.standard(properties.clockSkew(), properties.issuer(),
				properties.audience());
		if (properties.cookieCache()) {
			Converter<Map<String, Object>, Map<String, Object>> defaults = MappedJwtClaimSetConverter
				.withDefaults(Map.of());
			CookieCacheClaims cookieCache = new CookieCacheClaims();
			decoder.setClaimSetConverter((claims) -> defaults.convert(cookieCache.convert(claims)));
			// The cookie cache has no issuer or audience to check
			OAuth2TokenValidator<Jwt> cookieCacheValidator = TokenValidators.standard(properties.clockSkew(), null,
					null);
			OAuth2TokenValidator<Jwt> standard = validator;
			validator = (jwt) -> CookieCacheClaims.isCookieCache(jwt.getClaims()) ? cookieCacheValidator.validate(jwt)
					: standard.validate(jwt);
		}
		decoder.setJwtValidator(validator);
		return decoder;
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
