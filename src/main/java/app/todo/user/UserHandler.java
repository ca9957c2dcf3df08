package app.todo.user;

import reactor.core.publisher.Mono;

import app.todo.security.Caller;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
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

	UserHandler(UserRepository users) {
		this.users = users;
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
