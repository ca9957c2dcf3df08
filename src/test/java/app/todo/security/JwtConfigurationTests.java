package app.todo.security;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.test.StepVerifier;

import app.todo.InvalidConfigurationException;
import app.todo.TestIdentityProvider;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Start-up checks of the token settings: an unusable one stops the application with a message
 * that names the setting (and never a secret); a usable one gives the decoder.
 */
@ExtendWith(OutputCaptureExtension.class)
class JwtConfigurationTests {

	private static final TestIdentityProvider identityProvider = TestIdentityProvider.get();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(AuthPropertiesConfiguration.class, JwtConfiguration.class);

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
		// 16 two-byte characters: 32 bytes, so accepted; the check counts bytes, not characters
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
					"todo.auth.jwks-uri=https://auth.example.com/api/auth/jwks", "todo.auth.issuer=https://auth.example.com")
			.run((context) -> assertThat(startupFailure(context).getMessage()).contains("JWT_AUDIENCE"));
	}

	@Test
	void startWhenAuthUrlNotHttpThenFails() {
		this.runner.withPropertyValues("todo.auth.url=ftp://x")
			.run((context) -> assertThat(startupFailure(context).getMessage()).contains("BETTER_AUTH_URL"));
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

	@Test
	void startWhenAuthUrlThenDecoderAcceptsItsJwksTokens() {
		this.runner
			.withPropertyValues("todo.database.url=postgresql://db.example:5432/todo",
					"todo.auth.url=" + identityProvider.baseUrl())
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(ReactiveJwtDecoder.class);
				Jwt jwt = context.getBean(ReactiveJwtDecoder.class)
					.decode(identityProvider.eddsa("bob"))
					.block(Duration.ofSeconds(10));
				assertThat(jwt.getSubject()).isEqualTo("bob");
			});
	}

	@Test
	void startWhenNoTokenSourceAtAllThenFails() {
		// Accounts off (no LocalTokenSource here) and no Better Auth setting: refused, database or not
		this.runner.run((context) -> assertThat(startupFailure(context).getMessage()).contains("No token source"));
	}

	@Test
	void startWhenOnlyLocalTokensThenTheStartupLineNamesThemAndTheirTokensAreAccepted(CapturedOutput output)
			throws Exception {
		OctetKeyPair key = new OctetKeyPairGenerator(Curve.Ed25519).keyID("local-1").generate();
		LocalTokenSource local = new LocalTokenSource() {

			@Override
			public String issuer() {
				return "todo-api";
			}

			@Override
			public String audience() {
				return "todo-api";
			}

			@Override
			public JWKSet publicKeys() {
				return new JWKSet(key.toPublicJWK());
			}

			@Override
			public String description() {
				return "EdDSA tokens of the built-in accounts";
			}

		};
		this.runner.withPropertyValues("todo.database.url=postgresql://db.example:5432/todo")
			.withBean(LocalTokenSource.class, () -> local)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("Accepting bearer tokens: EdDSA tokens of the built-in accounts");
				ReactiveJwtDecoder decoder = context.getBean(ReactiveJwtDecoder.class);
				String token = TestIdentityProvider.sign(new Ed25519Signer(key), JWSAlgorithm.EdDSA, "local-1",
						new JWTClaimsSet.Builder().issuer("todo-api").audience("todo-api").subject("carol")
							.expirationTime(new Date(System.currentTimeMillis() + 60_000)).build());
				assertThat(decoder.decode(token).block(Duration.ofSeconds(10)).getSubject()).isEqualTo("carol");
				// Better Auth's tokens are not accepted when only the built-in accounts are on
				StepVerifier.create(decoder.decode(identityProvider.hs256("alice")))
					.expectError(BadJwtException.class)
					.verify(Duration.ofSeconds(10));
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
