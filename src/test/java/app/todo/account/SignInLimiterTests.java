package app.todo.account;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import app.todo.account.AccountProperties.FailedSignIns;
import app.todo.account.SignInLimiter.Attempt;
import app.todo.account.SignInLimiter.TooManySignInsException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The limiter on its own, with small numbers: 2 failures per account and address, 50 per
 * address, a ceiling of 4 per account from all addresses, then delays of a quarter of the
 * window each, up to 10 minutes.
 */
class SignInLimiterTests {

	private static final Duration WINDOW = Duration.ofMinutes(20);

	private final SignInLimiter limiter = new SignInLimiter(
			new FailedSignIns(2, 50, 4, Duration.ofMinutes(10), WINDOW, Duration.ofDays(30), 1000),
			new SimpleMeterRegistry());

	@Test
	void reserveWhenTheAccountAndAddressUsedTheirFailuresThenRefusedThereOnly() {
		this.limiter.reserve("alice@example.com", "192.0.2.1");
		this.limiter.reserve("alice@example.com", "192.0.2.1");
		assertThatExceptionOfType(TooManySignInsException.class)
			.isThrownBy(() -> this.limiter.reserve("alice@example.com", "192.0.2.1"));
		assertThat(this.limiter.reserve("alice@example.com", "192.0.2.2").delay()).isZero();
		assertThat(this.limiter.reserve("bob@example.com", "192.0.2.1").delay()).isZero();
	}

	@Test
	void reserveWhenAttemptsSucceedThenTheyAreGivenBack() {
		for (int i = 0; i < 10; i++) {
			this.limiter.reserve("alice@example.com", "192.0.2.1").succeeded();
		}
		this.limiter.reserve("alice@example.com", "192.0.2.1").cancelled();
		assertThat(this.limiter.reserve("alice@example.com", "192.0.2.1").delay()).isZero();
	}

	@Test
	void reserveWhenPastTheAccountsCeilingThenEachNewAddressWaitsLongerUntilRefused() {
		for (int i = 0; i < 4; i++) {
			assertThat(this.limiter.reserve("alice@example.com", "198.51.100." + i).delay()).isZero();
		}
		List<Duration> delays = new ArrayList<>();
		for (int i = 4; i < 6; i++) {
			delays.add(this.limiter.reserve("alice@example.com", "198.51.100." + i).delay());
		}
		assertThat(delays.get(0)).isCloseTo(WINDOW.dividedBy(4), Duration.ofSeconds(1));
		assertThat(delays.get(1)).isCloseTo(WINDOW.dividedBy(2), Duration.ofSeconds(1));
		assertThatExceptionOfType(TooManySignInsException.class)
			.isThrownBy(() -> this.limiter.reserve("alice@example.com", "198.51.100.99"));
		// Another account is not slowed
		assertThat(this.limiter.reserve("bob@example.com", "198.51.100.99").delay()).isZero();
	}

	@Test
	void reserveWhenPastTheCeilingFromAnAddressTheOwnerSignedInFromThenNeitherSlowedNorRefused() {
		this.limiter.reserve("alice@example.com", "203.0.113.7").succeeded();
		for (int i = 0; i < 10; i++) {
			try {
				this.limiter.reserve("alice@example.com", "198.51.100." + i);
			}
			catch (TooManySignInsException ex) {
				// the ceiling, reached by the attacker's many addresses
			}
		}
		Attempt owner = this.limiter.reserve("alice@example.com", "203.0.113.7");
		assertThat(owner.delay()).isZero();
	}

}
