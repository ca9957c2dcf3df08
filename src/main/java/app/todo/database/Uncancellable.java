package app.todo.database;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * Runs a query to its end even when the request that wanted it goes away. A cancelled
 * query that was waiting for a pooled connection, or reading rows, could leave its
 * connection marked as in use for good (r2dbc/r2dbc-pool#198 and its relatives): under a
 * load test whose clients stopped mid-list, every connection of the pool leaked and the
 * API answered 503 until restarted. The cost is a query finished for nobody, bounded by
 * the page size.
 */
public final class Uncancellable {

	private Uncancellable() {
	}

	public static <T> Mono<T> of(Mono<T> query) {
		return Mono.defer(() -> Mono.fromFuture(query.toFuture(), true));
	}

	/**
	 * A stream of rows, with backpressure, that reads to its end when its reader goes
	 * away: the rest is requested at once and dropped, as fast as the database sends it.
	 * The cost is bounded by the rows the query can return (a user's tasks are bounded by
	 * their quota).
	 */
	public static <T> Flux<T> of(Flux<T> query) {
		return Flux.create((sink) -> {
			Drain<T> drain = new Drain<>(sink);
			sink.onRequest(drain::forward);
			sink.onCancel(drain::drain);
			query.subscribe(drain);
		});
	}

	private static final class Drain<T> extends BaseSubscriber<T> {

		private final FluxSink<T> sink;

		private final AtomicBoolean cancelled = new AtomicBoolean();

		private final AtomicLong early = new AtomicLong();

		Drain(FluxSink<T> sink) {
			this.sink = sink;
		}

		@Override
		protected void hookOnSubscribe(Subscription subscription) {
			// Only what the reader asks for, including what it asked before this
			if (this.cancelled.get()) {
				subscription.request(Long.MAX_VALUE);
				return;
			}
			long early = this.early.getAndSet(0);
			if (early > 0) {
				subscription.request(early);
			}
		}

		void forward(long demand) {
			if (this.cancelled.get()) {
				return;
			}
			long now = demand;
			if (upstream() == null) {
				this.early.accumulateAndGet(demand, Operators::addCap);
				if (upstream() == null) {
					// hookOnSubscribe asks for it
					return;
				}
				now = this.early.getAndSet(0);
				if (now == 0) {
					return;
				}
			}
			request(now);
		}

		void drain() {
			if (this.cancelled.compareAndSet(false, true) && upstream() != null) {
				requestUnbounded();
			}
		}

		@Override
		protected void hookOnNext(T value) {
			if (!this.cancelled.get()) {
				this.sink.next(value);
			}
		}

		@Override
		protected void hookOnComplete() {
			this.sink.complete();
		}

		@Override
		protected void hookOnError(Throwable ex) {
			this.sink.error(ex);
		}

	}

}
