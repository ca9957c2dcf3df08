package app.todo.ratelimit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.http.HttpHeaders;

/**
 * One policy's buckets, one per client key, in a bounded cache. A bucket left alone for
 * as long as it takes to refill is full, so forgetting it then (or evicting it) changes
 * nothing.
 */
final class TokenBuckets {

	private final String name;

	private final Bandwidth bandwidth;

	private final Cache<String, Bucket> buckets;

	private final String policy;

	private final Counter refusals;

	/**
	 * @param name the policy's name in the {@code RateLimit} and {@code RateLimit-Policy}
	 * headers, and the {@code limit} tag of the refusals' counter
	 */
	TokenBuckets(String name, int rate, int burst, int maxClients, MeterRegistry meters) {
		this.name = name;
		this.refusals = Counter.builder("todo.rate_limit.refusals")
			.description("Requests refused with 429 by a rate limit")
			.tag("limit", name)
			.register(meters);
		this.bandwidth = Bandwidth.builder().capacity(burst).refillGreedy(rate, Duration.ofSeconds(1)).build();
		Duration refill = Duration.ofSeconds(windowSeconds(rate, burst));
		this.buckets = Caffeine.newBuilder().maximumSize(maxClients).expireAfterAccess(refill).build();
		// draft-ietf-httpapi-ratelimit-headers-10: a quota of q requests in a window of w
		// seconds
		this.policy = "\"" + name + "\";q=" + burst + ";w=" + windowSeconds(rate, burst);
	}

	/** Seconds for an empty bucket to fill up again. */
	private static long windowSeconds(int rate, int burst) {
		return Math.max(1, (burst + rate - 1) / rate);
	}

	/**
	 * Takes a token from the key's bucket.
	 * @return the headers to send; with {@code Retry-After} when the bucket was empty
	 */
	Result consume(String key) {
		ConsumptionProbe probe = this.buckets.get(key, (ignored) -> Bucket.builder().addLimit(this.bandwidth).build())
			.tryConsumeAndReturnRemaining(1);
		HttpHeaders headers = new HttpHeaders();
		headers.set("RateLimit-Policy", this.policy);
		long reset = seconds(probe.isConsumed() ? probe.getNanosToWaitForReset() : probe.getNanosToWaitForRefill());
		headers.set("RateLimit", "\"" + this.name + "\";r=" + probe.getRemainingTokens() + ";t=" + reset);
		if (!probe.isConsumed()) {
			this.refusals.increment();
		}
		return new Result(probe.isConsumed(), headers, reset);
	}

	/** Whole seconds, rounded up: Retry-After and {@code t} have no fractions. */
	private static long seconds(long nanos) {
		long second = TimeUnit.SECONDS.toNanos(1);
		return (Math.max(0, nanos) + second - 1) / second;
	}

	long size() {
		this.buckets.cleanUp();
		return this.buckets.estimatedSize();
	}

	/**
	 * @param allowed whether the request may go on
	 * @param headers {@code RateLimit-Policy} and {@code RateLimit}
	 * @param retryAfterSeconds when a refused client may try again
	 */
	record Result(boolean allowed, HttpHeaders headers, long retryAfterSeconds) {

		RateLimitExceededException toException() {
			return new RateLimitExceededException(this.headers, this.retryAfterSeconds);
		}

	}

}
