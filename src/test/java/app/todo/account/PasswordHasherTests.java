package app.todo.account;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import app.todo.account.PasswordHasher.HashingBusyException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Password work runs on its own bounded pool, never on the caller's thread, and a full
 * pool answers at once instead of queueing without end.
 */
class PasswordHasherTests {

	@Test
	void hashAndMatchesWhenCalledFromAnEventLoopThreadThenRunOnTheHashingPool() {
		List<String> threads = new CopyOnWriteArrayList<>();
		PasswordEncoder encoder = new RecordingEncoder(Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8(), threads);
		PasswordHasher hasher = new PasswordHasher(encoder, 2, 10);
		try {
			threads.clear();
			// Schedulers.parallel() threads are non-blocking, as Netty's event loops are
			Mono<Boolean> roundTrip = hasher.hash("a good password", (hash) -> hash)
				.flatMap((hash) -> hasher.matches("a good password", hash))
				.subscribeOn(Schedulers.parallel());
			StepVerifier.create(roundTrip).expectNext(true).verifyComplete();
			assertThat(threads).hasSize(2).allMatch((thread) -> thread.startsWith("password-hashing"));
		}
		finally {
			hasher.dispose();
		}
	}

	@Test
	void matchesWhenNoHashThenFalseAfterCheckingTheDummyHash() {
		List<String> threads = new CopyOnWriteArrayList<>();
		RecordingEncoder encoder = new RecordingEncoder(Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8(),
				threads);
		PasswordHasher hasher = new PasswordHasher(encoder, 1, 10);
		try {
			StepVerifier.create(hasher.matches("not the dummy's password", null)).expectNext(false).verifyComplete();
			assertThat(encoder.matchedHashes).hasSize(1);
			assertThat(encoder.matchedHashes.get(0)).startsWith("$argon2id$v=19$m=16384,t=2,p=1$");
		}
		finally {
			hasher.dispose();
		}
	}

	@Test
	void hashWhenThreadsAndQueueFullThenServiceUnavailableAtOnce() throws InterruptedException {
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch started = new CountDownLatch(1);
		PasswordEncoder slow = new PasswordEncoder() {

			@Override
			public String encode(CharSequence raw) {
				if (!"dummy".contentEquals(raw) && raw.toString().startsWith("slow")) {
					started.countDown();
					try {
						release.await(30, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
				return "hash";
			}

			@Override
			public boolean matches(CharSequence raw, String encoded) {
				return false;
			}

		};
		PasswordHasher hasher = new PasswordHasher(slow, 1, 1);
		try {
			hasher.hash("slow 1", (hash) -> hash).subscribe();
			assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
			hasher.hash("slow 2", (hash) -> hash).subscribe();
			StepVerifier.create(hasher.hash("slow 3", (hash) -> hash)).expectErrorSatisfies((ex) -> {
				assertThat(ex).isInstanceOf(HashingBusyException.class);
				HashingBusyException busy = (HashingBusyException) ex;
				assertThat(busy.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
				assertThat(busy.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
			}).verify(Duration.ofSeconds(10));
		}
		finally {
			release.countDown();
			hasher.dispose();
		}
	}

	/**
	 * The real encoder, noting the thread of every call and each hash it checked against.
	 */
	static final class RecordingEncoder implements PasswordEncoder {

		final List<String> matchedHashes = new CopyOnWriteArrayList<>();

		private final PasswordEncoder delegate;

		private final List<String> threads;

		RecordingEncoder(PasswordEncoder delegate, List<String> threads) {
			this.delegate = delegate;
			this.threads = threads;
		}

		@Override
		public String encode(CharSequence raw) {
			this.threads.add(Thread.currentThread().getName());
			return this.delegate.encode(raw);
		}

		@Override
		public boolean matches(CharSequence raw, String encoded) {
			this.threads.add(Thread.currentThread().getName());
			this.matchedHashes.add(encoded);
			return this.delegate.matches(raw, encoded);
		}

	}

}
