package app.todo.event;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.publisher.Sinks.EmitResult;
import reactor.util.concurrent.Queues;

import app.todo.task.TaskChangeLog;
import app.todo.task.TaskChangeLog.Change;

import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpStatus;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;

/**
 * The open streams of this instance, by user, and what each one sends.
 * <p>
 * A notification (see {@link ChangeListener}) only says that a user's tasks changed; each
 * of that user's streams then reads the delta-sync feed from its own floor, page by page,
 * at the pace its client takes the events: a slow client holds at most one page and one
 * pending notification, never a growing queue, and a client that comes back later resumes
 * from the last id it received. Every event's id is a sync token: all its stream's
 * changes below the token's floor have been sent before it.
 */
@Component
class EventStreams implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(EventStreams.class);

	/**
	 * Changes already sent that the next read will return again, remembered to skip them;
	 * beyond, they are sent twice.
	 */
	private static final int MAX_REMEMBERED = 10_000;

	private final TaskChangeLog log;

	private final EventProperties properties;

	private final Map<String, Set<Stream>> byUser = new ConcurrentHashMap<>();

	private final AtomicInteger open = new AtomicInteger();

	private final Sinks.Many<ServerSentEvent<Object>> heartbeats = Sinks.many().multicast().directBestEffort();

	/**
	 * Ends the streams of this run: a new one at each start, since a context may be
	 * stopped and started again (the test framework pauses the contexts it caches).
	 */
	private volatile Sinks.Empty<Void> stopping = Sinks.empty();

	private volatile boolean running;

	private volatile @Nullable Disposable heartbeat;

	EventStreams(TaskChangeLog log, EventProperties properties, MeterRegistry meters) {
		this.log = log;
		this.properties = properties;
		Gauge.builder("todo.event.streams", this.open, AtomicInteger::get)
			.description("Open GET /api/events streams of this instance")
			.register(meters);
	}

	/**
	 * Reserves a stream for the user, or refuses it (429 past the user's limit, 503 past
	 * the instance's or while stopping); the events start when the returned flux is
	 * subscribed.
	 * @param floor where to resume from (a sync token's floor), or null for changes from
	 * now on
	 * @param until when the token behind the stream expires: the stream ends then
	 */
	Flux<ServerSentEvent<Object>> open(String userId, @Nullable Long floor, Instant until) {
		if (!this.running) {
			throw new StreamsUnavailableException("The server is shutting down; reconnect in a moment.");
		}
		if (this.open.incrementAndGet() > this.properties.maxStreams()) {
			this.open.decrementAndGet();
			throw new StreamsUnavailableException("This server holds as many event streams as it may; retry shortly.");
		}
		Stream stream = new Stream(userId, floor);
		AtomicBoolean admitted = new AtomicBoolean();
		this.byUser.compute(userId, (key, streams) -> {
			Set<Stream> set = (streams != null) ? streams : ConcurrentHashMap.newKeySet();
			if (set.size() < this.properties.maxStreamsPerUser()) {
				set.add(stream);
				admitted.set(true);
			}
			return set.isEmpty() ? null : set;
		});
		if (!admitted.get()) {
			this.open.decrementAndGet();
			throw new TooManyStreamsException(this.properties.maxStreamsPerUser());
		}
		AtomicBoolean subscribed = new AtomicBoolean();
		// A response never written (its client went away first) releases its place all
		// the same
		Mono.delay(Duration.ofSeconds(30)).subscribe((tick) -> {
			if (subscribed.compareAndSet(false, true)) {
				close(stream);
			}
		});
		Duration left = Duration.between(Instant.now(), until);
		return stream.events()
			.mergeWith(this.heartbeats.asFlux().onBackpressureDrop())
			.takeUntilOther(Mono.delay(left.isNegative() ? Duration.ZERO : left))
			.takeUntilOther(this.stopping.asMono())
			.doOnSubscribe((subscription) -> {
				if (!subscribed.compareAndSet(false, true)) {
					throw new StreamsUnavailableException("The stream was released before it started; reconnect.");
				}
				stream.signal();
			})
			.doFinally((signal) -> close(stream));
	}

	/** The user's tasks changed: each of their streams here reads what. */
	void changed(String userId) {
		Set<Stream> streams = this.byUser.get(userId);
		if (streams != null) {
			streams.forEach(Stream::signal);
		}
	}

	/**
	 * Notifications may have been missed (the listening connection was lost): every
	 * stream reads again.
	 */
	void changedAll() {
		this.byUser.values().forEach((streams) -> streams.forEach(Stream::signal));
	}

	int openStreams() {
		return this.open.get();
	}

	private void close(Stream stream) {
		if (!stream.closed.compareAndSet(false, true)) {
			return;
		}
		this.byUser.computeIfPresent(stream.userId, (key, streams) -> {
			streams.remove(stream);
			return streams.isEmpty() ? null : streams;
		});
		this.open.decrementAndGet();
	}

	@Override
	public void start() {
		Duration interval = this.properties.heartbeat();
		ServerSentEvent<Object> comment = ServerSentEvent.builder().comment("keep-alive").build();
		this.heartbeat = Flux.interval(interval, interval).subscribe((tick) -> this.heartbeats.tryEmitNext(comment));
		this.stopping = Sinks.empty();
		this.running = true;
	}

	/**
	 * Ends every stream before the server's graceful shutdown, which would otherwise wait
	 * for them; their clients reconnect, to another instance, from their last id.
	 */
	@Override
	public void stop() {
		this.running = false;
		this.stopping.tryEmitEmpty();
		Disposable heartbeat = this.heartbeat;
		if (heartbeat != null) {
			heartbeat.dispose();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** One stream: its floor, and the changes at or above it that it has sent. */
	private final class Stream {

		private final String userId;

		private final AtomicBoolean closed = new AtomicBoolean();

		/**
		 * At most one pending notification: more, while one waits, would read the same.
		 */
		private final Sinks.Many<Boolean> signals = Sinks.many()
			.unicast()
			.onBackpressureBuffer(Queues.<Boolean>one().get());

		/** Read and written by one read at a time (concatMap). */
		private @Nullable Long floor;

		private final Map<Long, Long> sent = new HashMap<>();

		private boolean first = true;

		Stream(String userId, @Nullable Long floor) {
			this.userId = userId;
			this.floor = floor;
		}

		void signal() {
			EmitResult result;
			do {
				result = this.signals.tryEmitNext(Boolean.TRUE);
			}
			while (result == EmitResult.FAIL_NON_SERIALIZED);
		}

		/**
		 * A read that fails (the database unreachable, the pool exhausted) ends the
		 * stream cleanly: its client reconnects from its last id, to this instance or
		 * another.
		 */
		Flux<ServerSentEvent<Object>> events() {
			return this.signals.asFlux().concatMap((signal) -> read(), 1).onErrorResume((ex) -> {
				// Debug only: an outage would write one line per open stream; readiness
				// reports it
				logger.debug("An event stream ended, its changes could not be read: " + ex.getMessage());
				return Flux.empty();
			});
		}

		/**
		 * Takes the next floor, then reads every change from the current one: a change
		 * below the next floor had committed before it was taken, so it is among those
		 * read. All events but the last carry the current floor, the last one the next.
		 */
		private Flux<ServerSentEvent<Object>> read() {
			return EventStreams.this.log.floor(this.userId).flatMapMany((next) -> {
				Long from = this.floor;
				if (from == null) {
					return advance(next, Flux.empty());
				}
				Flux<List<Change>> pages = EventStreams.this.log.page(this.userId, from, 0, 0)
					.collectList()
					.expand((page) -> (page.size() < TaskChangeLog.PAGE_SIZE) ? Mono.empty()
							: EventStreams.this.log
								.page(this.userId, from, page.get(page.size() - 1).seq(),
										page.get(page.size() - 1).taskId())
								.collectList());
				String current = EventStreams.this.log.token(this.userId, from);
				String nextToken = EventStreams.this.log.token(this.userId, next);
				return advance(next, pages.concatMapIterable((page) -> {
					boolean last = page.size() < TaskChangeLog.PAGE_SIZE;
					List<Change> unsent = page.stream().filter((change) -> !sentBefore(change)).toList();
					return java.util.stream.IntStream.range(0, unsent.size()).mapToObj((i) -> {
						Change change = unsent.get(i);
						this.sent.put(change.taskId(), change.seq());
						return ServerSentEvent.<Object>builder(change.body())
							.event(change.kind())
							.id((last && i == unsent.size() - 1) ? nextToken : current)
							.build();
					}).toList();
					// One page at a time: the next is read when this one has been taken
				}, 1));
			});
		}

		/**
		 * After the read: the next floor is current; the first read also hands out where
		 * it stands.
		 */
		private Flux<ServerSentEvent<Object>> advance(long next, Flux<ServerSentEvent<Object>> events) {
			AtomicBoolean any = new AtomicBoolean();
			return events.doOnNext((event) -> any.set(true)).concatWith(Mono.defer(() -> {
				this.floor = next;
				this.sent.values().removeIf((seq) -> seq < next);
				if (this.sent.size() > MAX_REMEMBERED) {
					this.sent.clear();
				}
				boolean first = this.first;
				this.first = false;
				// An id alone: EventSource keeps it for its reconnection, and dispatches
				// nothing
				return (first && !any.get())
						? Mono
							.just(ServerSentEvent.builder().id(EventStreams.this.log.token(this.userId, next)).build())
						: Mono.empty();
			}));
		}

		private boolean sentBefore(Change change) {
			Long seq = this.sent.get(change.taskId());
			return seq != null && seq == change.seq();
		}

	}

	/** 503: the instance's limit, or shutting down. */
	static final class StreamsUnavailableException extends ErrorResponseException {

		StreamsUnavailableException(String detail) {
			super(HttpStatus.SERVICE_UNAVAILABLE);
			getHeaders().set("Retry-After", "5");
			getBody().setDetail(detail);
		}

	}

	/** 429: the user's limit. */
	static final class TooManyStreamsException extends ErrorResponseException {

		TooManyStreamsException(int limit) {
			super(HttpStatus.TOO_MANY_REQUESTS);
			getHeaders().set("Retry-After", "5");
			getBody().setDetail("You have " + limit + " event streams open already, the most one user may hold; "
					+ "close one (one per browser tab at most), or share one between tabs.");
		}

	}

}
