package app.todo.security;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.crypto.spec.SecretKeySpec;

import io.netty.channel.ChannelOption;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.client.HttpClient;

import app.todo.InvalidConfigurationException;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The token check of the resource server: the API's own tokens (built-in accounts), HS256 with
 * {@code BETTER_AUTH_SECRET}, asymmetric tokens against the JWKS of {@code BETTER_AUTH_URL}, or
 * any mix. Start-up fails when none is on or when a setting is unusable.
 */
@Configuration(proxyBeanMethods = false)
class JwtConfiguration {

	private static final Log logger = LogFactory.getLog(JwtConfiguration.class);

	static final int MIN_SECRET_BYTES = 32;

	@Bean
	ReactiveJwtDecoder jwtDecoder(AuthProperties properties, ObjectProvider<LocalTokenSource> localTokens) {
		if (properties.clockSkew().isNegative() || properties.clockSkew().compareTo(Duration.ofSeconds(60)) > 0) {
			throw new InvalidConfigurationException("todo.auth.clock-skew must be between 0 and 60 seconds.",
					"Set a clock skew of at most 60s.");
		}
		List<String> sources = new ArrayList<>();
		LocalTokenSource local = localTokens.getIfAvailable();
		if (local != null) {
			sources.add(local.description());
		}
		ReactiveJwtDecoder hmac = null;
		if (properties.secret() != null) {
			hmac = hmacDecoder(secretBytes(properties.secret()), properties);
			sources.add("HS256 tokens signed with BETTER_AUTH_SECRET");
		}
		ReactiveJwtDecoder asymmetric = null;
		URI jwksUri = jwksUri(properties);
		if (jwksUri != null) {
			String issuer = required(properties.issuer(), properties.url(), "JWT_ISSUER");
			String audience = required(properties.audience(), properties.url(), "JWT_AUDIENCE");
			NimbusReactiveJwtDecoder decoder = new NimbusReactiveJwtDecoder(
					new JwkSetClaimsVerifier(new RemoteJwkSet(jwksClient(), jwksUri)));
			decoder.setJwtValidator(validator(properties.clockSkew(), issuer, audience));
			asymmetric = decoder;
			sources.add("EdDSA/ES/RS/PS tokens from the JWKS at " + jwksUri + " (issuer " + issuer + ", audience "
					+ audience + ")");
		}
		if (sources.isEmpty()) {
			throw new InvalidConfigurationException("No token source is configured.",
					"Leave ACCOUNTS_ENABLED unset (or true) for the built-in accounts, and/or set BETTER_AUTH_SECRET (HS256, 32 bytes or more) and/or BETTER_AUTH_URL (the Better Auth server whose JWKS signs tokens).");
		}
		logger.info("Accepting bearer tokens: " + String.join("; ", sources));
		ReactiveJwtDecoder others = (hmac != null || asymmetric != null) ? new AlgorithmRoutingJwtDecoder(hmac, asymmetric)
				: null;
		if (local == null) {
			return others;
		}
		return new LocalTokenDecoder(local, validator(properties.clockSkew(), local.issuer(), local.audience()), others);
	}

	private static ReactiveJwtDecoder hmacDecoder(byte[] secret, AuthProperties properties) {
		NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder
			.withSecretKey(new SecretKeySpec(secret, "HmacSHA256"))
			.macAlgorithm(MacAlgorithm.HS256)
			.build();
		// Issuer and audience are checked only when configured explicitly: shared-secret
		// tokens are minted by the application's own backend, not by Better Auth's JWT plugin
		decoder.setJwtValidator(validator(properties.clockSkew(), properties.issuer(), properties.audience()));
		return decoder;
	}

	private static OAuth2TokenValidator<Jwt> validator(Duration clockSkew, @Nullable String issuer,
			@Nullable String audience) {
		JwtTimestampValidator timestamps = new JwtTimestampValidator(clockSkew);
		timestamps.setAllowEmptyExpiryClaim(false);
		List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
		validators.add(timestamps);
		validators.add(new JwtClaimValidator<String>(JwtClaimNames.SUB, Caller::isValidId));
		if (issuer != null) {
			validators.add(new JwtIssuerValidator(issuer));
		}
		if (audience != null) {
			validators.add(new JwtAudienceValidator(audience));
		}
		return new DelegatingOAuth2TokenValidator<>(validators);
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

	private static @Nullable URI jwksUri(AuthProperties properties) {
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

	private static WebClient jwksClient() {
		HttpClient httpClient = HttpClient.create()
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 3000)
			.responseTimeout(Duration.ofSeconds(5));
		return WebClient.builder().clientConnector(new ReactorClientHttpConnector(httpClient)).build();
	}

}
