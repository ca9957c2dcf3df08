package app.todo.security.jwt;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import app.todo.InvalidConfigurationException;
import app.todo.TestIdentityProvider;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Start-up checks of the token settings: an unusable one stops the application with a
 * message that names the setting (and never a secret); a usable one gives the decoder.
 */
@ExtendWith(OutputCaptureExtension.class)
class JwtConfigurationTests {

	private static final TestIdentityProvider identityProvider = TestIdentityProvider.get();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(AuthPropertiesConfiguration.class, JwtConfiguration.class)
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new);

	@Test
	void startWhenSecretShorterThan32BytesThenFailsWithoutEchoingIt() {
		String secret = "too-short-secret-31-bytes-abcde";
		assertThat(secret.getBytes(StandardCharsets.UTF_8)).hasSize(31);
		this.runner.withPropertyValues("todo.auth.secret=" + secret).run((context) -> {
			InvalidConfigurationException failure = startupFailure(context);
			assertThat(failure.getMessage()).contains("BETTER_AUTH_SECRET").contains("32").doesNotContain(secret);
			assertThat(failure.getAction()).doesNotContain(secret);
		});
	}

	@Test
	void startWhenSecretIs32BytesInFewerCharactersThenDecoder() {
		// 16 two-byte characters: 32 bytes, so accepted; the check counts bytes, not
		// characters
		String secret = "é".repeat(16);
		this.runner.withPropertyValues("todo.auth.secret=" + secret)
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(ReactiveJwtDecoder.class));
	}

	@Test
	void startWhenNoTokenSourceAndDatabaseConfiguredThenFails() {
		this.runner.withPropertyValues("todo.database.url=postgresql://db.example:5432/todo")
			.run((context) -> assertThat(startupFailure(context).getMessage()).contains("No token source"));
	}

	@Test
	void startWhenJwksUriWithoutUrlIssuerOrAudienceThenFails() {
		this.runner
			.withPropertyValues("todo.database.url=postgresql://db.example:5432/todo",
					"todo.auth.jwks-uri=https://auth.example.com/api/auth/jwks")
			.run((context) -> assertThat(startupFailure(context).getMessage()).contains("JWT_ISSUER"));
		this.runner
			.withPropertyValues("todo.database.url=postgresql://db.example:5432/todo",
					"todo.auth.jwks-uri=https://auth.example.com/api/auth/jwks",
					"todo.auth.issuer=https://auth.example.com")
			.run((context) -> assertThat(startupFailure(context).getMessage()).contains("JWT_AUDIENCE"));
	}

	@Test
	void startWhenAuthUrlNotHttpThenFails() {
		this.runner.withPropertyValues("todo.auth.url=ftp://x")
			.run((context) -> assertThat(startupFailure(context).getMessage()).contains("BETTER_AUTH_URL"));
	}

	/** A cool-down of zero made the background schedule a loop that never slept. */
	@ParameterizedTest
	@ValueSource(strings = { "todo.auth.jwks-refetch-cooldown=0s", "todo.auth.jwks-refetch-cooldown=-1s",
			"todo.auth.jwks-refetch-cooldown=1ms", "todo.auth.jwks-refresh-interval=0s",
			"todo.auth.jwks-refresh-interval=999d" })
	void startWhenJwksScheduleWouldSpinOrNeverRunThenFails(String setting) {
		this.runner.withPropertyValues("todo.auth.url=" + identityProvider.baseUrl(), setting).run((context) -> {
			InvalidConfigurationException failure = startupFailure(context);
			assertThat(failure.getMessage()).contains("JWKS_REFETCH_COOLDOWN", "JWKS_REFRESH_INTERVAL");
		});
	}

	@Test
	void startWhenClockSkewOver60SecondsThenFails() {
		this.runner.withPropertyValues("todo.auth.secret=" + TestIdentityProvider.SECRET, "todo.auth.clock-skew=61s")
			.run((context) -> assertThat(startupFailure(context).getMessage()).contains("clock-skew"));
	}

	@Test
	void startWhenSecretOf32BytesOrMoreThenDecoderAcceptsItsTokens() {
		this.runner
			.withPropertyValues("todo.database.url=postgresql://db.example:5432/todo",
					"todo.auth.secret=" + TestIdentityProvider.SECRET)
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(ReactiveJwtDecoder.class);
				Jwt jwt = context.getBean(ReactiveJwtDecoder.class)
					.decode(identityProvider.hs256("alice"))
					.block(Duration.ofSeconds(10));
				assertThat(jwt.getSubject()).isEqualTo("alice");
			});
	}

	@Test
	void startWhenSecretExactly32BytesThenDecoder() {
		this.runner.withPropertyValues("todo.auth.secret=" + "s".repeat(32))
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(ReactiveJwtDecoder.class));
	}

	/**
	 * Better Auth's tokens carry its base URL's origin as {@code iss} and {@code aud},
	 * however {@code BETTER_AUTH_URL} is spelt.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "", "/", "//" })
	void startWhenAuthUrlWithOrWithoutTrailingSlashThenDecoderAcceptsItsJwksTokens(String slash) {
		this.runner
			.withPropertyValues("todo.database.url=postgresql://db.example:5432/todo",
					"todo.auth.url=" + identityProvider.baseUrl() + slash)
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(ReactiveJwtDecoder.class);
				ReactiveJwtDecoder decoder = context.getBean(ReactiveJwtDecoder.class);
				Jwt jwt = decoder.decode(identityProvider.eddsa("bob")).block(Duration.ofSeconds(10));
				assertThat(jwt.getSubject()).isEqualTo("bob");
				assertThat(jwt.getIssuer()).hasToString(identityProvider.baseUrl());
				// Still checked: the same key, another issuer or audience, is refused
				for (JWTClaimsSet claims : List.of(
						identityProvider.claims("bob").issuer(identityProvider.baseUrl() + "/").build(),
						identityProvider.claims("bob").audience("https://other-api.example").build())) {
					assertThatExceptionOfType(JwtException.class)
						.isThrownBy(() -> decoder.decode(identityProvider.eddsa(claims)).block(Duration.ofSeconds(10)));
				}
			});
	}

	@Test
	void originWhenBetterAuthUrlThenAsBetterAuthsIssuer() {
		assertThat(AuthProperties.origin("http://localhost:3000")).isEqualTo("http://localhost:3000");
		assertThat(AuthProperties.origin("http://localhost:3000/")).isEqualTo("http://localhost:3000");
		assertThat(AuthProperties.origin("https://Auth.Example.com:443/base/")).isEqualTo("https://auth.example.com");
		assertThat(AuthProperties.origin("http://[::1]:8080/")).isEqualTo("http://[::1]:8080");
	}

	@Test
	void startWhenNoTokenSourceAtAllThenFails() {
		// Accounts off (no BearerTokenSource here) and no Better Auth setting: refused,
		// database or not
		this.runner.run((context) -> assertThat(startupFailure(context).getMessage()).contains("No token source"));
	}

	@Test
	void startWhenCookieCacheWithoutSecretThenFails() {
		this.runner.withPropertyValues("todo.auth.url=" + identityProvider.baseUrl(), "todo.auth.cookie-cache=true")
			.run((context) -> assertThat(startupFailure(context).getMessage()).contains("BETTER_AUTH_COOKIE_CACHE")
				.contains("BETTER_AUTH_SECRET"));
	}

	@Test
	void startWhenEverySourceOnThenOneLineNamesThemAll(CapturedOutput output) {
		this.runner
			.withPropertyValues("todo.database.url=postgresql://db.example:5432/todo",
					"todo.auth.secret=" + TestIdentityProvider.SECRET, "todo.auth.cookie-cache=true",
					"todo.auth.url=" + identityProvider.baseUrl())
			.withBean(BearerTokenSource.class, () -> new BearerTokenSource() {

				@Override
				public String description() {
					return "EdDSA tokens of the API's own accounts";
				}

				@Override
				public boolean owns(JWSHeader header) {
					return false;
				}

				@Override
				public ReactiveJwtDecoder decoder() {
					throw new UnsupportedOperationException();
				}

			})
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output.getOut().lines().filter((line) -> line.contains("Accepting bearer tokens: ")))
					.singleElement()
					.asString()
					.contains("BETTER_AUTH_SECRET", "cookie-cache", identityProvider.baseUrl() + "/api/auth/jwks",
							"the API's own accounts")
					.doesNotContain(TestIdentityProvider.SECRET);
			});
	}

	@Test
	void startWhenJwksUnreachableThenNotReadyUntilFetched() {
		// Port 1 on loopback refuses at once
		this.runner.withPropertyValues("todo.auth.url=http://127.0.0.1:1").run((context) -> {
			assertThat(context).hasNotFailed();
			Health health = context.getBean("jwksHealthIndicator", ReactiveHealthIndicator.class)
				.health()
				.block(Duration.ofSeconds(10));
			assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
			// The failed fetch of the start is counted, for an alert that does not wait
			// for a
			// token of a rotated key to fail
			Counter failures = context.getBean(MeterRegistry.class).get("todo.jwks.fetch.failures").counter();
			await().atMost(Duration.ofSeconds(30)).until(() -> failures.count() >= 1);
		});
		this.runner.withPropertyValues("todo.auth.url=" + identityProvider.baseUrl()).run((context) -> {
			RemoteJwkSet jwkSet = context.getBean(RemoteJwkSet.class);
			jwkSet.fetch().block(Duration.ofSeconds(10));
			Health health = context.getBean("jwksHealthIndicator", ReactiveHealthIndicator.class)
				.health()
				.block(Duration.ofSeconds(10));
			assertThat(health.getStatus()).isEqualTo(Status.UP);
		});
	}

	@Test
	void startWhenNoJwksThenJwksHealthUp() {
		this.runner.withPropertyValues("todo.auth.secret=" + TestIdentityProvider.SECRET).run((context) -> {
			Health health = context.getBean("jwksHealthIndicator", ReactiveHealthIndicator.class)
				.health()
				.block(Duration.ofSeconds(10));
			assertThat(health.getStatus()).isEqualTo(Status.UP);
		});
	}

	private static InvalidConfigurationException startupFailure(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		Throwable root = context.getStartupFailure();
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		assertThat(root).isInstanceOf(InvalidConfigurationException.class);
		return (InvalidConfigurationException) root;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(AuthProperties.class)
	static class AuthPropertiesConfiguration {

	}

}
