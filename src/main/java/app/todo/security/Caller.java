package app.todo.security;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.reactive.function.server.HandlerFilterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

/**
 * The signed-in user of a request: the token's subject, with the email and name the token
 * carries, if any. The only source of a user id: none is ever taken from a request body.
 */
public record Caller(String id, @Nullable String email, @Nullable String name) {

	/**
	 * The caller of a route that needs one: a {@code 401} when the request has no
	 * verified token.
	 */
	public static Mono<Caller> of(ServerRequest request) {
		return request.principal()
			.ofType(JwtAuthenticationToken.class)
			.map((authentication) -> from(authentication.getToken()))
			.switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.UNAUTHORIZED)));
	}

	/**
	 * The caller of an exchange that carries a verified token; empty for anonymous ones.
	 */
	public static Mono<Caller> ifSignedIn(ServerWebExchange exchange) {
		return exchange.getPrincipal()
			.ofType(JwtAuthenticationToken.class)
			.map((authentication) -> from(authentication.getToken()));
	}

	/**
	 * Routes that name a user in their path ({@code /api/{user_id}/tasks}) answer
	 * {@code 403}, before any database work, when that user is not the caller.
	 */
	public static HandlerFilterFunction<ServerResponse, ServerResponse> mustMatchPathVariable(String name) {
		return (request, next) -> of(request).flatMap((caller) -> caller.id().equals(request.pathVariable(name))
				? next.handle(request) : Mono.error(new PathUserForbiddenException()));
	}

	private static Caller from(Jwt jwt) {
		return new Caller(jwt.getSubject(), claim(jwt, "email", 320), claim(jwt, "name", 200));
	}

	private static @Nullable String claim(Jwt jwt, String name, int maxLength) {
		return (jwt.getClaims().get(name) instanceof String value && !value.isBlank() && value.length() <= maxLength
				&& value.indexOf('\0') < 0) ? value : null;
	}

	private static final class PathUserForbiddenException extends ErrorResponseException {

		PathUserForbiddenException() {
			super(HttpStatus.FORBIDDEN);
			getBody().setDetail("The user in the path is not the signed-in user.");
		}

	}

}
