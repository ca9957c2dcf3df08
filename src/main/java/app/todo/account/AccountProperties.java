package app.todo.account;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The built-in accounts, from the {@code ACCOUNTS_*} variables (see docs/operators.md).
 *
 * @param enabled whether the API signs people up and in itself
 * @param issuer {@code iss} of the API's own tokens
 * @param audience {@code aud} of the API's own tokens; the issuer when unset
 * @param tokenLifetime how long a token from sign-up or sign-in is valid
 * @param signingKey an Ed25519 private key (a JWK or a PKCS#8 PEM); when unset, one is
 * generated on first start and kept in the database
 * @param hashingThreads threads that hash passwords; 0 means one per processor
 * @param hashingQueue hashes that may wait for a thread before sign-ups and sign-ins get a 503
 * @param failedSignIns the limit on failed sign-ins
 */
@ConfigurationProperties("todo.accounts")
record AccountProperties(@DefaultValue("true") boolean enabled, @Nullable String issuer, @Nullable String audience,
		@DefaultValue("1h") Duration tokenLifetime, @Nullable String signingKey, @DefaultValue("0") int hashingThreads,
		@DefaultValue("100") int hashingQueue, @DefaultValue FailedSignIns failedSignIns) {

	static final String DEFAULT_ISSUER = "todo-api";

	AccountProperties {
		issuer = (issuer == null || issuer.isBlank()) ? DEFAULT_ISSUER : issuer.strip();
		audience = (audience == null || audience.isBlank()) ? issuer : audience.strip();
		signingKey = (signingKey == null || signingKey.isBlank()) ? null : signingKey.strip();
	}

	/**
	 * @param perEmail failures for one email from one client address before sign-ins to it
	 * from there get a 429
	 * @param perAddress failures from one client address, whatever the email, before its
	 * sign-ins get a 429
	 * @param perAccount failures for one email from all addresses before attempts from
	 * addresses it never signed in from are slowed down
	 * @param maxDelay the longest such an attempt waits; one that would wait longer gets a 429
	 * @param window the time in which a full allowance of failures comes back, bit by bit
	 * @param rememberAddresses how long the addresses an account signed in from stay exempt
	 * from its ceiling
	 * @param maxTracked emails, addresses and pairs of them remembered at most (each apart); the
	 * least recently seen are forgotten first
	 */
	record FailedSignIns(@DefaultValue("5") int perEmail, @DefaultValue("20") int perAddress,
			@DefaultValue("100") int perAccount, @DefaultValue("30s") Duration maxDelay,
			@DefaultValue("15m") Duration window, @DefaultValue("30d") Duration rememberAddresses,
			@DefaultValue("50000") int maxTracked) {
	}

}
