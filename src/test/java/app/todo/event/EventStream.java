package app.todo.event;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.FluxExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * One open {@code GET /api/events} of a test, read in the background: what it received so
 * far, and a wait for the next event of interest. Polls, so that no Reactor thread ever
 * blocks.
 */
final class EventStream implements AutoCloseable {

	private static final ParameterizedTypeReference<ServerSentEvent<String>> EVENT = new ParameterizedTypeReference<>() {
	};

	private final Queue<ServerSentEvent<String>> received = new ConcurrentLinkedQueue<>();

	private final List<ServerSentEvent<String>> taken = new ArrayList<>();

	private final Disposable subscription;

	private volatile boolean completed;

	private volatile @Nullable Throwable error;

	private EventStream(FluxExchangeResult<ServerSentEvent<String>> result) {
		this.subscription = result.getResponseBody()
			.subscribe(this.received::add, (ex) -> this.error = ex, () -> this.completed = true);
	}

	/**
	 * Opens the stream and checks that it answered 200 with {@code text/event-stream}.
	 */
	static EventStream open(WebTestClient client, String uri, Consumer<HttpHeaders> headers) {
		FluxExchangeResult<ServerSentEvent<String>> result = client.get()
			.uri(uri)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.headers(headers)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
			.returnResult(EVENT);
		return new EventStream(result);
	}

	static EventStream open(WebTestClient client, String token) {
		return open(client, "/api/events", (headers) -> headers.setBearerAuth(token));
	}

	/** The id the stream starts from: its first event, an id alone. */
	String ready() {
		ServerSentEvent<String> first = next((event) -> event.id() != null);
		assertThat(first.event()).as("the first event is an id alone").isNull();
		return first.id();
	}

	/** The next change (an event with a name), skipping comments and ids alone. */
	ServerSentEvent<String> nextChange() {
		return next((event) -> event.event() != null);
	}

	ServerSentEvent<String> next(Predicate<ServerSentEvent<String>> wanted) {
		long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
		while (System.nanoTime() < deadline) {
			ServerSentEvent<String> event = this.received.poll();
			if (event != null) {
				this.taken.add(event);
				if (wanted.test(event)) {
					return event;
				}
				continue;
			}
			if (this.error != null || this.completed) {
				fail("The stream ended (" + this.error + ") before the event came; received " + this.taken);
			}
			pause(20);
		}
		return fail("No such event within 15 seconds; received " + this.taken);
	}

	/** Every change received within the time, skipping comments and ids alone. */
	List<ServerSentEvent<String>> changesWithin(Duration time) {
		pause(time.toMillis());
		List<ServerSentEvent<String>> changes = new ArrayList<>();
		ServerSentEvent<String> event;
		while ((event = this.received.poll()) != null) {
			this.taken.add(event);
			if (event.event() != null) {
				changes.add(event);
			}
		}
		return changes;
	}

	/** Comments received so far (heartbeats). */
	long comments() {
		this.taken.addAll(this.received);
		this.received.clear();
		return this.taken.stream().filter((event) -> event.comment() != null).count();
	}

	boolean hasEnded() {
		return this.completed || this.error != null;
	}

	/** Waits for the server to end the stream. */
	void awaitEnd(Duration within) {
		long deadline = System.nanoTime() + within.toNanos();
		while (!hasEnded() && System.nanoTime() < deadline) {
			pause(20);
		}
		assertThat(hasEnded()).as("the stream ended within " + within).isTrue();
	}

	@Override
	public void close() {
		this.subscription.dispose();
	}

	static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
