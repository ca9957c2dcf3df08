package app.todo.user;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import app.todo.security.Caller;
import app.todo.web.MethodNotAllowed;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.springframework.http.HttpMethod.GET;
import static org.springframework.http.HttpMethod.HEAD;
import static org.springframework.web.reactive.function.server.RequestPredicates.path;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * {@code GET /api/me}: the caller, whatever signed their token. Email and name come from the
 * token when it has them, otherwise from the users row (written at sign-up or first task).
 */
@Configuration(proxyBeanMethods = false)
class UserRouter {

	private static final String FIND = "SELECT email, name FROM users WHERE id = :id";

	@Bean
	RouterFunction<ServerResponse> userRoutes(DatabaseClient db) {
		return route().GET("/api/me", (request) -> me(request, db))
			.HEAD("/api/me", (request) -> me(request, db))
			.route(path("/api/me"), MethodNotAllowed.allowing(GET, HEAD))
			.build();
	}

	private static Mono<ServerResponse> me(ServerRequest request, DatabaseClient db) {
		return Caller.of(request).flatMap((caller) -> {
			Mono<User> user = (caller.email() != null && caller.name() != null)
					? Mono.just(new User(caller.id(), caller.email(), caller.name()))
					: db.sql(FIND)
						.bind("id", caller.id())
						.map((row) -> new User(caller.id(), first(caller.email(), row.get("email", String.class)),
								first(caller.name(), row.get("name", String.class))))
						.one()
						.defaultIfEmpty(new User(caller.id(), caller.email(), caller.name()));
			return user.flatMap((found) -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(found));
		});
	}

	private static @Nullable String first(@Nullable String preferred, @Nullable String fallback) {
		return (preferred != null) ? preferred : fallback;
	}

}
