package app.todo.account;

import java.time.Duration;

import com.nimbusds.jose.jwk.OctetKeyPair;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import app.todo.InvalidConfigurationException;
import app.todo.account.AccountProperties.FailedSignIns;
import app.todo.web.ClientAddressResolver;
import app.todo.web.JsonBodyReader;
import app.todo.web.MethodNotAllowed;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.springframework.http.HttpMethod.GET;
import static org.springframework.http.HttpMethod.HEAD;
import static org.springframework.http.HttpMethod.POST;
import static org.springframework.web.reactive.function.server.RequestPredicates.path;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * The built-in accounts, on unless {@code ACCOUNTS_ENABLED=false}: the API signs people up and
 * in with Argon2id password hashes and signs their tokens with its own Ed25519 key.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "todo.accounts.enabled", matchIfMissing = true)
@EnableConfigurationProperties(AccountProperties.class)
class AccountConfiguration {

	private static final Log logger = LogFactory.getLog(AccountConfiguration.class);

	private static final Duration KEY_LOAD_TIMEOUT = Duration.ofSeconds(30);

	/** Runs at start-up on the main thread, after Liquibase has made the table. */
	@Bean
	@DependsOnDatabaseInitialization
	AccountTokens accountTokens(AccountProperties properties, DatabaseClient db) {
		Duration lifetime = properties.tokenLifetime();
		if (lifetime.compareTo(Duration.ofMinutes(1)) < 0 || lifetime.compareTo(Duration.ofDays(7)) > 0) {
			throw new InvalidConfigurationException("ACCOUNTS_TOKEN_LIFETIME must be between 1m and 7d.",
					"Set a duration such as 1h or 30m.");
		}
		OctetKeyPair key;
		String origin;
		if (properties.signingKey() != null) {
			key = SigningKeys.parseConfigured(properties.signingKey());
			origin = "from ACCOUNTS_SIGNING_KEY";
		}
		else {
			key = new SigningKeys(db).loadOrCreate(SigningKeys.PURPOSE).block(KEY_LOAD_TIMEOUT);
			origin = "kept in the database";
		}
		return new AccountTokens(key, properties.issuer(), properties.audience(), lifetime, origin);
	}

	@Bean(destroyMethod = "dispose")
	PasswordHasher passwordHasher(AccountProperties properties) {
		int threads = (properties.hashingThreads() > 0) ? properties.hashingThreads()
				: Runtime.getRuntime().availableProcessors();
		if (threads > 256 || properties.hashingQueue() < 1) {
			throw new InvalidConfigurationException(
					"ACCOUNTS_HASHING_THREADS must be 0 to 256 and ACCOUNTS_HASHING_QUEUE at least 1.",
					"Leave both unset for one thread per processor and a queue of 100.");
		}
		// Argon2id: 16 MiB and 2 passes per hash, so each thread holds 16 MiB while it works
		return new PasswordHasher(Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8(), threads,
				properties.hashingQueue());
	}

	@Bean
	SignInLimiter signInLimiter(AccountProperties properties, MeterRegistry meters) {
		FailedSignIns limits = properties.failedSignIns();
		if (limits.perEmail() < 1 || limits.perAddress() < 1 || limits.perAccount() < limits.perEmail()
				|| limits.maxTracked() < 1 || limits.window().compareTo(Duration.ofSeconds(1)) < 0
				|| limits.maxDelay().isNegative() || limits.maxDelay().compareTo(Duration.ofMinutes(5)) > 0
				|| limits.rememberAddresses().compareTo(Duration.ofMinutes(1)) < 0) {
			throw new InvalidConfigurationException(
					"ACCOUNTS_SIGN_IN_FAILURES_PER_EMAIL, ..._PER_ADDRESS and ACCOUNTS_SIGN_IN_FAILURE_WINDOW must be positive, "
							+ "ACCOUNTS_SIGN_IN_FAILURES_PER_ACCOUNT at least ..._PER_EMAIL, and ACCOUNTS_SIGN_IN_MAX_DELAY from 0s to 5m.",
					"Leave them unset for 5 failures per email and address, 20 per address and 100 per email every 15m, "
							+ "and delays of up to 30s past those 100.");
		}
		return new SignInLimiter(limits, meters);
	}

	@Bean
	Accounts accounts(DatabaseClient db, PasswordHasher hasher, SignInLimiter limiter, AccountTokens tokens) {
		return new Accounts(new AccountRepository(db), hasher, limiter, tokens);
	}

	@Bean
	RouterFunction<ServerResponse> accountRoutes(Accounts accounts, AccountTokens tokens, JsonBodyReader bodies,
			ClientAddressResolver clientAddress) {
		AccountHandler handler = new AccountHandler(accounts, tokens, bodies, clientAddress);
		return route().POST("/api/auth/sign-up", handler::signUp)
			.route(path("/api/auth/sign-up"), MethodNotAllowed.allowing(POST))
			.POST("/api/auth/sign-in", handler::signIn)
			.route(path("/api/auth/sign-in"), MethodNotAllowed.allowing(POST))
			.GET("/.well-known/jwks.json", handler::jwks)
			.HEAD("/.well-known/jwks.json", handler::jwks)
			.route(path("/.well-known/jwks.json"), MethodNotAllowed.allowing(GET, HEAD))
			.build();
	}

}
