package app.todo.database;

import reactor.core.publisher.Mono;

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

}
