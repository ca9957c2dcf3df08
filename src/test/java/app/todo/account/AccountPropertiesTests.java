package app.todo.account;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import app.todo.InvalidConfigurationException;
import app.todo.account.AccountProperties.FailedSignIns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The refresh tokens' lifetime is checked when it is bound: at least the access tokens',
 * at most a year.
 */
class AccountPropertiesTests {

	private static final FailedSignIns FAILED_SIGN_INS = new FailedSignIns(5, 20, 100, Duration.ofSeconds(30),
			Duration.ofMinutes(15), Duration.ofDays(30), 50000);

	@Test
	void refreshTokenLifetimeWhenBetweenTheTokensAndAYearThenKept() {
		assertThat(properties(Duration.ofHours(1), Duration.ofDays(30)).refreshTokenLifetime())
			.isEqualTo(Duration.ofDays(30));
		assertThat(properties(Duration.ofHours(1), Duration.ofHours(1)).refreshTokenLifetime())
			.isEqualTo(Duration.ofHours(1));
		assertThat(properties(Duration.ofHours(1), Duration.ofDays(365)).refreshTokenLifetime())
			.isEqualTo(Duration.ofDays(365));
	}

	@Test
	void refreshTokenLifetimeWhenShorterThanTheTokensOrOverAYearThenStartUpFailsNamingIt() {
		for (Duration lifetime : new Duration[] { Duration.ofMinutes(59), Duration.ofDays(366), Duration.ZERO,
				Duration.ofDays(-1) }) {
			assertThatExceptionOfType(InvalidConfigurationException.class).as(lifetime.toString())
				.isThrownBy(() -> properties(Duration.ofHours(1), lifetime))
				.withMessageContaining("ACCOUNTS_REFRESH_TOKEN_LIFETIME");
		}
	}

	@Test
	void refreshTokenLifetimeWhenAccountsOffThenNotChecked() {
		assertThat(new AccountProperties(false, null, null, Duration.ofHours(1), Duration.ZERO, null, 0, 100,
				FAILED_SIGN_INS)
			.enabled()).isFalse();
	}

	private static AccountProperties properties(Duration tokenLifetime, Duration refreshTokenLifetime) {
		return new AccountProperties(true, null, null, tokenLifetime, refreshTokenLifetime, null, 0, 100,
				FAILED_SIGN_INS);
	}

}
