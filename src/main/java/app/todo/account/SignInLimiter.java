package app.todo.account;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

import app.todo.account.AccountProperties.FailedSignIns;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * Limits wrong passwords. Every sign-in reserves its attempt before any password work, in
 * one atomic step per limit, and gives it back only when the password was right (or the
 * work never ran): 60 wrong passwords sent at once meet the limit as 60 sent one by one
 * do.
 * <ul>
 * <li>Per account and client address, strictly: {@code perEmail} failures in the
 * window.</li>
 * <li>Per client address, whatever the account: {@code perAddress} (one address trying
 * many accounts).</li>
 * <li>Per account across all addresses, a ceiling ({@code perAccount}) that no one
 * address can reach alone. Past it, attempts from addresses that have never signed in to
 * the account are delayed, each longer than the last, up to {@code maxDelay}, and only
 * then refused; addresses the account signed in from before are never slowed. So guessing
 * from many addresses slows down, while neither one attacker nor many lock the owner
 * out.</li>
 * </ul>
 * Accounts are keyed as PostgreSQL folds their email ({@code lower(email)}), so that
 * every spelling that signs in to one account counts against that one account. In memory,
 * per instance, in caches bounded in size: N replicas allow up to N times the failures.
 */
final class SignInLimiter {

	private final FailedSignIns limits;

	private final Cache<String, Bucket> byAccountAndAddress;

	private final Cache<String, Bucket> byAddress;

	private final Cache<String, Ceiling> byAccount;

	/** Addresses each account signed in from: exempt from its ceiling. */
	private final Cache<String, Boolean> knownAddresses;

	private final long intervalNanos;

	private final Counter wrongCredentials;

	private final Counter tooManyFailures;

	SignInLimiter(FailedSignIns limits, MeterRegistry meters) {
		this.limits = limits;
		this.byAccountAndAddress = cache(limits, limits.window());
		this.byAddress = cache(limits, limits.window());
		this.byAccount = cache(limits, limits.window().plus(limits.maxDelay()));
		this.knownAddresses = cache(limits, limits.rememberAddresses());
		this.intervalNanos = limits.window().toNanos() / limits.perAccount();
		this.wrongCredentials = refusals(meters, "wrong_credentials");
		this.tooManyFailures = refusals(meters, "too_many_failures");
	}

	/**
	 * Every refused sign-in: a wrong email or password (401), or too many of them (429).
	 */
	private static Counter refusals(MeterRegistry meters, String reason) {
		return Counter.builder("todo.sign_in.refusals")
			.description("Sign-ins refused")
			.tag("reason", reason)
			.register(meters);
	}

	private TooManySignInsException tooMany(Duration wait) {
		this.tooManyFailures.increment();
		return new TooManySignInsException(wait);
	}

	/**
	 * Takes one attempt from each limit, or none: throws the {@code 429} when a limit is
	 * used up.
	 * @param account the account's key, its email as PostgreSQL folds it
	 */
	Attempt reserve(String account, String address) {
		String pair = account + '\n' + address;
		Bucket pairBucket = this.byAccountAndAddress.get(pair, (key) -> bucket(this.limits.perEmail()));
		ConsumptionProbe pairProbe = pairBucket.tryConsumeAndReturnRemaining(1);
		if (!pairProbe.isConsumed()) {
			throw tooMany(Duration.ofNanos(pairProbe.getNanosToWaitForRefill()));
		}
		Bucket addressBucket = this.byAddress.get(address, (key) -> bucket(this.limits.perAddress()));
		ConsumptionProbe addressProbe = addressBucket.tryConsumeAndReturnRemaining(1);
		if (!addressProbe.isConsumed()) {
			pairBucket.addTokens(1);
			throw tooMany(Duration.ofNanos(addressProbe.getNanosToWaitForRefill()));
		}
		if (this.knownAddresses.getIfPresent(pair) != null) {
			return new Attempt(this, pair, pairBucket, addressBucket, null, Duration.ZERO);
		}
		Ceiling ceiling = this.byAccount.get(account, (key) -> new Ceiling());
		long delay = ceiling.reserve(System.nanoTime(), this.intervalNanos, this.limits.window().toNanos(),
				this.limits.maxDelay().toNanos());
		if (delay < 0) {
			pairBucket.addTokens(1);
			addressBucket.addTokens(1);
			throw tooMany(this.limits.maxDelay());
		}
		return new Attempt(this, pair, pairBucket, addressBucket, ceiling, Duration.ofNanos(delay));
	}

	private Bucket bucket(int failures) {
		return Bucket.builder()
			.addLimit((limit) -> limit.capacity(failures).refillGreedy(failures, this.limits.window()))
			.build();
	}

	private static <V> Cache<String, V> cache(FailedSignIns limits, Duration expiry) {
		// A forgotten entry is a full allowance, which an idle window gives back anyway
		return Caffeine.newBuilder().maximumSize(limits.maxTracked()).expireAfterAccess(expiry).build();
	}

	/**
	 * One reserved attempt: to be {@linkplain #succeeded() given back} when the password
	 * was right, {@linkplain #cancelled() given back} when it was never checked, and kept
	 * otherwise.
	 */
	static final class Attempt {

		private final SignInLimiter limiter;

		private final String pair;

		private final Bucket pairBucket;

		private final Bucket addressBucket;

		private final @Nullable Ceiling ceiling;

		private final Duration delay;

		private Attempt(SignInLimiter limiter, String pair, Bucket pairBucket, Bucket addressBucket,
				@Nullable Ceiling ceiling, Duration delay) {
			this.limiter = limiter;
			this.pair = pair;
			this.pairBucket = pairBucket;
			this.addressBucket = addressBucket;
			this.ceiling = ceiling;
			this.delay = delay;
		}

		/**
		 * How long to wait before the password is checked: zero below the account's
		 * ceiling.
		 */
		Duration delay() {
			return this.delay;
		}

		/** The password was wrong: the attempt stays taken. */
		void failed() {
			this.limiter.wrongCredentials.increment();
		}

		void succeeded() {
			cancelled();
			this.limiter.knownAddresses.put(this.pair, Boolean.TRUE);
		}

		void cancelled() {
			this.pairBucket.addTokens(1);
			this.addressBucket.addTokens(1);
			if (this.ceiling != null) {
				this.ceiling.giveBack(this.limiter.intervalNanos);
			}
		}

	}

	/**
	 * An account's failures from all addresses, as a generic cell rate: up to the ceiling
	 * at once, then one more per window / ceiling; an attempt past the ceiling waits for
	 * its turn, so each waits longer than the one before, and none waits more than the
	 * longest delay.
	 */
	static final class Ceiling {

		/**
		 * When the allowance would be whole again, on the {@link System#nanoTime()}
		 * clock.
		 */
		private long fullAt = Long.MIN_VALUE;

		/**
		 * The wait before this attempt may go on, or -1 when it would be longer than
		 * allowed.
		 */
		synchronized long reserve(long now, long interval, long window, long maxDelay) {
			long start = (this.fullAt == Long.MIN_VALUE || this.fullAt - now < 0) ? now : this.fullAt;
			long next = start + interval;
			long delay = Math.max(0, next - now - window);
			if (delay > maxDelay) {
				return -1;
			}
			this.fullAt = next;
			return delay;
		}

		synchronized void giveBack(long interval) {
			if (this.fullAt != Long.MIN_VALUE) {
				this.fullAt -= interval;
			}
		}

	}

	static final class TooManySignInsException extends ErrorResponseException {

		TooManySignInsException(Duration wait) {
			super(HttpStatus.TOO_MANY_REQUESTS);
			long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
			getBody().setDetail("Too many failed sign-ins; retry in " + seconds + " seconds.");
			getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
		}

	}

}
