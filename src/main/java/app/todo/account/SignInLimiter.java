package app.todo.account;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

import app.todo.account.AccountProperties.FailedSignIns;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * Counts failed sign-ins per email and per client address in token buckets: each failure takes
 * a token, the allowance comes back over the window, and an empty bucket turns sign-ins away
 * with {@code 429} before any password work. Successful sign-ins cost nothing. In memory, per
 * instance, in caches bounded in size: N replicas allow up to N times the failures.
 */
final class SignInLimiter {

	private final FailedSignIns limits;

	private final Cache<String, Bucket> byEmail;

	private final Cache<String, Bucket> byAddress;

	private final Counter wrongCredentials;

	private final Counter tooManyFailures;

	SignInLimiter(FailedSignIns limits, MeterRegistry meters) {
		this.limits = limits;
		this.byEmail = cache(limits);
		this.byAddress = cache(limits);
		this.wrongCredentials = refusals(meters, "wrong_credentials");
		this.tooManyFailures = refusals(meters, "too_many_failures");
	}

	/** Every refused sign-in: a wrong email or password (401), or too many of them (429). */
	private static Counter refusals(MeterRegistry meters, String reason) {
		return Counter.builder("todo.sign_in.refusals")
			.description("Sign-ins refused")
			.tag("reason", reason)
			.register(meters);
	}

	/** Throws the {@code 429} when either the email or the address has used up its failures. */
	void check(String email, String address) {
		long nanos = Math.max(waitNanos(this.byEmail.getIfPresent(email)), waitNanos(this.byAddress.getIfPresent(address)));
		if (nanos > 0) {
			this.tooManyFailures.increment();
			throw new TooManySignInsException(Duration.ofNanos(nanos));
		}
	}

	void recordFailure(String email, String address) {
		this.wrongCredentials.increment();
		this.byEmail.get(email, (key) -> bucket(this.limits.perEmail())).tryConsume(1);
		this.byAddress.get(address, (key) -> bucket(this.limits.perAddress())).tryConsume(1);
	}

	private Bucket bucket(int failures) {
		return Bucket.builder()
			.addLimit((limit) -> limit.capacity(failures).refillGreedy(failures, this.limits.window()))
			.build();
	}

	private static long waitNanos(@Nullable Bucket bucket) {
		if (bucket == null) {
			return 0;
		}
		var probe = bucket.estimateAbilityToConsume(1);
		return probe.canBeConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
	}

	private static Cache<String, Bucket> cache(FailedSignIns limits) {
		// A forgotten entry is a full allowance, which an idle window gives back anyway
		return Caffeine.newBuilder().maximumSize(limits.maxTracked()).expireAfterAccess(limits.window()).build();
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
