package app.todo.account;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import app.todo.InvalidConfigurationException;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The built-in accounts, from the {@code ACCOUNTS_*} variables (see docs/operators.md).
 *
 * @param enabled whether the API signs people up and in itself
 * @param issuer {@code iss} of the API's own tokens
 * @param audience {@code aud} of the API's own tokens; the issuer when unset
 * @param tokenLifetime how long a token from sign-up or sign-in is valid
 * @param refreshTokenLifetime how long a session lasts unused: each refresh hands out a
 * refresh token valid this long
 * @param signingKey an Ed25519 private key (a JWK or a PKCS#8 PEM); when unset, one is
 * generated on first start and kept in the database
 * @param hashingThreads threads that hash passwords; 0 means one per processor
 * @param hashingQueue hashes that may wait for a thread before sign-ups and sign-ins get
 * a 503
 * @param failedSignIns the limit on failed sign-ins
 */
@ConfigurationProperties("todo.accounts")
record AccountProperties(@DefaultValue("true") boolean enabled, @Nullable String issuer, @Nullable String audience,
		@DefaultValue("1h") Duration tokenLifetime, @DefaultValue("30d") Duration refreshTokenLifetime,
		@Nullable String signingKey, @DefaultValue("0") int hashingThreads, @DefaultValue("100") int hashingQueue,
		@DefaultValue FailedSignIns failedSignIns) {

	static final String DEFAULT_ISSUER = "todo-api";

	AccountProperties {
		issuer = (issuer == null || issuer.isBlank()) ? DEFAULT_ISSUER : issuer.strip();
		audience = (audience == null || audience.isBlank()) ? issuer : audience.strip();
		signingKey = (signingKey == null || signingKey.isBlank()) ? null : signingKey.strip();
		// Checked only when they are used: ACCOUNTS_ENABLED=false leaves the rest unread
		if (enabled) {
			if (tokenLifetime.compareTo(Duration.ofMinutes(1)) < 0 || tokenLifetime.compareTo(Duration.ofDays(7)) > 0) {
				throw new InvalidConfigurationException("ACCOUNTS_TOKEN_LIFETIME must be between 1m and 7d.",
						"Set a duration such as 1h or 30m.");
			}
			if (refreshTokenLifetime.compareTo(tokenLifetime) < 0
					|| refreshTokenLifetime.compareTo(Duration.ofDays(365)) > 0) {
				throw new InvalidConfigurationException(
						"ACCOUNTS_REFRESH_TOKEN_LIFETIME must be between ACCOUNTS_TOKEN_LIFETIME and 365d.",
						"Set a duration such as 30d or 12h, or leave it unset for 30 days.");
			}
			if (hashingThreads > 256 || hashingQueue < 1) {
				throw new InvalidConfigurationException(
						"ACCOUNTS_HASHING_THREADS must be 0 to 256 and ACCOUNTS_HASHING_QUEUE at least 1.",
						"Leave both unset for one thread per processor and a queue of 100.");
			}
			failedSignIns.check();
		}
	}

	/** The threads that hash passwords: as configured, or one per processor. */
	int hashingThreadCount() {
		return (this.hashingThreads > 0) ? this.hashingThreads : Runtime.getRuntime().availableProcessors();
	}

	/**
	 * @param perEmail failures for one email from one client address before sign-ins to
	 * it from there get a 429
	 * @param perAddress failures from one client address, whatever the email, before its
	 * sign-ins get a 429
	 * @param perAccount failures for one email from all addresses before attempts from
	 * addresses it never signed in from are slowed down
	 * @param maxDelay the longest such an attempt waits; one that would wait longer gets
	 * a 429
	 * @param window the time in which a full allowance of failures comes back, bit by bit
	 * @param rememberAddresses how long the addresses an account signed in from stay
	 * exempt from its ceiling
	 * @param maxTracked emails, addresses and pairs of them remembered at most (each
	 * apart); the least recently seen are forgotten first
	 */
	record FailedSignIns(@DefaultValue("5") int perEmail, @DefaultValue("20") int perAddress,
			@DefaultValue("100") int perAccount, @DefaultValue("30s") Duration maxDelay,
			@DefaultValue("15m") Duration window, @DefaultValue("30d") Duration rememberAddresses,
			@DefaultValue("50000") int maxTracked) {

		void check() {
			if (this.perEmail < 1 || this.perAddress < 1 || this.perAccount < this.perEmail || this.maxTracked < 1
					|| this.window.compareTo(Duration.ofSeconds(1)) < 0 || this.maxDelay.isNegative()
					|| this.maxDelay.compareTo(Duration.ofMinutes(5)) > 0
					|| this.rememberAddresses.compareTo(Duration.ofMinutes(1)) < 0) {
				throw new InvalidConfigurationException(
						"ACCOUNTS_SIGN_IN_FAILURES_PER_EMAIL, ..._PER_ADDRESS and ACCOUNTS_SIGN_IN_FAILURE_WINDOW must be "
								+ "positive, ACCOUNTS_SIGN_IN_FAILURES_PER_ACCOUNT at least ..._PER_EMAIL, and "
								+ "ACCOUNTS_SIGN_IN_MAX_DELAY from 0s to 5m.",
						"Leave them unset for 5 failures per email and address, 20 per address and 100 per email every "
								+ "15m, and delays of up to 30s past those 100.");
			}
		}

	}

}
