package app.todo.ratelimit;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * A {@code 429} with {@code Retry-After} and the rate-limit headers of the bucket that
 * ran dry.
 */
class RateLimitExceededException extends ErrorResponseException {

	RateLimitExceededException(HttpHeaders rateLimitHeaders, long retryAfterSeconds) {
		super(HttpStatus.TOO_MANY_REQUESTS);
		getHeaders().addAll(rateLimitHeaders);
		getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
		getBody().setDetail("Too many requests; retry in " + retryAfterSeconds
				+ ((retryAfterSeconds == 1) ? " second." : " seconds."));
	}

}
