package app.todo.user;

import reactor.core.publisher.Mono;

import app.todo.database.Uncancellable;
import app.todo.security.Caller;
import app.todo.security.TokenRevocations;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * {@code GET /api/me}: the caller, whatever signed their token. Email and name come from
 * the token when it has them, otherwise from the users row (written at sign-up or first
 * task).
 */
@Component
class UserHandler {

	private final UserRepository users;

	private final TokenRevocations revocations;

	private final TransactionalOperator transactions;

	UserHandler(UserRepository users, TokenRevocations revocations, ReactiveTransactionManager transactionManager) {
		this.users = users;
		this.revocations = revocations;
		this.transactions = TransactionalOperator.create(transactionManager);
	}

	/**
	 * {@code DELETE /api/me}: the caller's tasks, tombstones, idempotency keys, profile
	 * and credentials, and every token issued so far, in one transaction. Only the
	 * revocation time stays, keyed by the user id, so that those tokens stay refused.
	 */
	Mono<ServerResponse> delete(ServerRequest request) {
		return Caller.of(request)
			.flatMap((caller) -> Uncancellable
				.of(this.transactions.transactional(this.revocations.revokeAll(caller.id())
					.flatMap((after) -> this.users.delete(caller.id()).thenReturn(after))))
				.doOnNext((after) -> this.revocations.remember(caller.id(), after)))
			.then(ServerResponse.noContent().build());
	}

	/** {@code POST /api/me/sign-out-everywhere}: every token issued so far is refused. */
	Mono<ServerResponse> signOutEverywhere(ServerRequest request) {
		return Caller.of(request)
			.flatMap((caller) -> Uncancellable.of(this.revocations.revokeAll(caller.id()))
				.doOnNext((after) -> this.revocations.remember(caller.id(), after)))
			.then(ServerResponse.noContent().build());
	}

	Mono<ServerResponse> me(ServerRequest request) {
		return Caller.of(request).flatMap((caller) -> {
			User fromToken = new User(caller.id(), caller.email(), caller.name());
			Mono<User> user = (caller.email() != null && caller.name() != null) ? Mono.just(fromToken)
					: this.users.find(caller).defaultIfEmpty(fromToken);
			return user
				.flatMap((found) -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(found));
		});
	}

}
