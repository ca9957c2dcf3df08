package app.todo.account;

import java.util.concurrent.RejectedExecutionException;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.web.ErrorResponseException;

/**
 * Hashes and checks passwords on a pool of its own, bounded in threads and in waiting
 * work, never on an event-loop thread. When the queue is full a sign-up or sign-in is
 * answered {@code 503} at once rather than queued without end. An unknown email is
 * checked against a dummy hash made with the same parameters, so it costs what a wrong
 * password costs.
 */
final class PasswordHasher {

	private final PasswordEncoder encoder;

	private final Scheduler scheduler;

	private final String dummyHash;

	PasswordHasher(PasswordEncoder encoder, int threads, int queue) {
		this.encoder = encoder;
		this.scheduler = Schedulers.newBoundedElastic(threads, queue, "password-hashing", 60, true);
		this.dummyHash = encoder.encode("not a password: unknown emails are checked against this hash");
	}

	/** The hash of a password, and whatever else must run off the event loop with it. */
	<T> Mono<T> hash(String password, HashedPassword<T> then) {
		return offload(() -> then.apply(this.encoder.encode(password)));
	}

	/**
	 * Whether the password matches the hash; with no hash (an unknown email), false after
	 * the same work.
	 */
	Mono<Boolean> matches(String password, @Nullable String hash) {
		return offload(() -> {
			boolean matches = this.encoder.matches(password, (hash != null) ? hash : this.dummyHash);
			return matches && hash != null;
		});
	}

	void dispose() {
		this.scheduler.dispose();
	}

	private <T> Mono<T> offload(java.util.concurrent.Callable<T> work) {
		return Mono.fromCallable(work)
			.subscribeOn(this.scheduler)
			.onErrorMap(RejectedExecutionException.class, (ex) -> new HashingBusyException());
	}

	interface HashedPassword<T> {

		T apply(String hash);

	}

	static final class HashingBusyException extends ErrorResponseException {

		HashingBusyException() {
			super(HttpStatus.SERVICE_UNAVAILABLE);
			getBody().setDetail("Too many sign-ups and sign-ins are under way; retry shortly.");
			getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
		}

	}

}
