package app.todo.web;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.MethodNotAllowedException;

/**
 * Functional routes fall through to 404 when only the method is wrong; a route that ends
 * with this handler answers {@code 405} with {@code Allow} instead.
 */
public final class MethodNotAllowed {

	private MethodNotAllowed() {
	}

	public static HandlerFunction<ServerResponse> allowing(HttpMethod... methods) {
		List<HttpMethod> allowed = List.of(methods);
		return (request) -> Mono.error(new MethodNotAllowedException(request.method(), allowed));
	}

}
