package app.todo.account;

import java.time.Duration;

import com.nimbusds.jose.jwk.OctetKeyPair;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import app.todo.security.TokenRevocations;
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
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.springframework.http.HttpMethod.GET;
import static org.springframework.http.HttpMethod.HEAD;
import static org.springframework.http.HttpMethod.POST;
import static org.springframework.web.reactive.function.server.RequestPredicates.path;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * The built-in accounts, on unless {@code ACCOUNTS_ENABLED=false}: the API signs people
 * up and in with Argon2id password hashes, signs their tokens with its own Ed25519 key,
 * and keeps their sessions with refresh tokens in a cookie.
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
		return new AccountTokens(key, properties.issuer(), properties.audience(), properties.tokenLifetime(), origin);
	}

	@Bean(destroyMethod = "dispose")
	PasswordHasher passwordHasher(AccountProperties properties) {
		// Argon2id: 16 MiB and 2 passes per hash, so each thread holds 16 MiB while it
		// works
		return new PasswordHasher(Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8(),
				properties.hashingThreadCount(), properties.hashingQueue());
	}

	@Bean
	SignInLimiter signInLimiter(AccountProperties properties, MeterRegistry meters) {
		return new SignInLimiter(properties.failedSignIns(), meters);
	}

	@Bean
	RefreshTokens refreshTokens(DatabaseClient db, AccountProperties properties) {
		return new RefreshTokens(db, properties.refreshTokenLifetime());
	}

	@Bean
	Accounts accounts(DatabaseClient db, PasswordHasher hasher, SignInLimiter limiter, AccountTokens tokens,
			RefreshTokens refreshTokens, TokenRevocations revocations, ReactiveTransactionManager transactionManager) {
		return new Accounts(new AccountRepository(db), hasher, limiter, tokens, refreshTokens, revocations,
				TransactionalOperator.create(transactionManager));
	}

	@Bean
	RouterFunction<ServerResponse> accountRoutes(Accounts accounts, AccountTokens tokens, JsonBodyReader bodies,
			ClientAddressResolver clientAddress, RefreshTokens refreshTokens) {
		AccountHandler handler = new AccountHandler(accounts, tokens, bodies, clientAddress, refreshTokens);
		return route().POST("/api/auth/sign-up", handler::signUp)
			.route(path("/api/auth/sign-up"), MethodNotAllowed.allowing(POST))
			.POST("/api/auth/sign-in", handler::signIn)
			.route(path("/api/auth/sign-in"), MethodNotAllowed.allowing(POST))
			.POST("/api/auth/refresh", handler::refresh)
			.route(path("/api/auth/refresh"), MethodNotAllowed.allowing(POST))
			.POST("/api/auth/sign-out", handler::signOut)
			.route(path("/api/auth/sign-out"), MethodNotAllowed.allowing(POST))
			.POST("/api/me/password", handler::changePassword)
			.route(path("/api/me/password"), MethodNotAllowed.allowing(POST))
			.GET("/.well-known/jwks.json", handler::jwks)
			.HEAD("/.well-known/jwks.json", handler::jwks)
			.route(path("/.well-known/jwks.json"), MethodNotAllowed.allowing(GET, HEAD))
			.build();
	}

}
