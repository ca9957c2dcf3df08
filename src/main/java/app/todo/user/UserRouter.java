package app.todo.user;

import app.todo.web.MethodNotAllowed;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.springframework.http.HttpMethod.DELETE;
import static org.springframework.http.HttpMethod.GET;
import static org.springframework.http.HttpMethod.HEAD;
import static org.springframework.http.HttpMethod.POST;
import static org.springframework.web.reactive.function.server.RequestPredicates.path;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * {@code GET /api/me}, answered by {@link UserHandler} from {@link UserRepository}.
 */
@Configuration(proxyBeanMethods = false)
class UserRouter {

	@Bean
	RouterFunction<ServerResponse> userRoutes(UserHandler handler) {
		return route().GET("/api/me", handler::me)
			.HEAD("/api/me", handler::me)
			.DELETE("/api/me", handler::delete)
			.route(path("/api/me"), MethodNotAllowed.allowing(GET, HEAD, DELETE))
			.POST("/api/me/sign-out-everywhere", handler::signOutEverywhere)
			.route(path("/api/me/sign-out-everywhere"), MethodNotAllowed.allowing(POST))
			.build();
	}

}
