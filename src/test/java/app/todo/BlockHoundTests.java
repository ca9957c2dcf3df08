package app.todo;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * BlockHound is installed for the whole suite (blockhound-junit-platform), so any
 * blocking call on an event-loop or parallel thread fails the test that made it. This
 * proves it is on.
 */
class BlockHoundTests {

	@Test
	void blockingOnANonBlockingThreadFails() {
		assertThatThrownBy(() -> Mono.delay(Duration.ofMillis(1)).doOnNext((tick) -> {
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}).block(Duration.ofSeconds(5))).hasCauseInstanceOf(BlockingOperationError.class);
	}

}
