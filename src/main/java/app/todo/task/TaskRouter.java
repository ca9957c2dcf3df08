package app.todo.task;

import app.todo.security.Caller;
import app.todo.web.MethodNotAllowed;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.springframework.http.HttpMethod.DELETE;
import static org.springframework.http.HttpMethod.GET;
import static org.springframework.http.HttpMethod.HEAD;
import static org.springframework.http.HttpMethod.PATCH;
import static org.springframework.http.HttpMethod.POST;
import static org.springframework.http.HttpMethod.PUT;
import static org.springframework.web.reactive.function.server.RequestPredicates.path;
import static org.springframework.web.reactive.function.server.RequestPredicates.queryParam;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * The task routes, twice: as {@code /api/tasks} and as {@code /api/{user_id}/tasks}, the
 * path of existing Hackathon-style frontends, where the user in the path must be the
 * caller.
 */
@Configuration(proxyBeanMethods = false)
class TaskRouter {

	@Bean
	RouterFunction<ServerResponse> taskRoutes(TaskHandler handler, TaskChangeFeed feed) {
		return route().path("/api/tasks", () -> tasks(handler, feed))
			.path("/api/{user_id}/tasks", () -> tasks(handler, feed).filter(Caller.mustMatchPathVariable("user_id")))
			.build();
	}

	/**
	 * The caller's tasks as one file: {@code /api/me/export} and {@code /api/me/import}.
	 */
	@Bean
	RouterFunction<ServerResponse> taskExportRoutes(TaskExport export, TaskImport imports) {
		return route().GET("/api/me/export", export::export)
			.HEAD("/api/me/export", export::head)
			.route(path("/api/me/export"), MethodNotAllowed.allowing(GET, HEAD))
			.POST("/api/me/import", imports::importTasks)
			.route(path("/api/me/import"), MethodNotAllowed.allowing(POST))
			.build();
	}

	private static RouterFunction<ServerResponse> tasks(TaskHandler handler, TaskChangeFeed feed) {
		return route().GET("", queryParam(TaskChangeFeed.PARAMETER, (value) -> true), feed::changes)
			.HEAD("", queryParam(TaskChangeFeed.PARAMETER, (value) -> true), feed::changes)
			.GET("", handler::list)
			.HEAD("", handler::list)
			.POST("", handler::create)
			.DELETE("", handler::deleteCompleted)
			.route(path(""), MethodNotAllowed.allowing(GET, HEAD, POST, DELETE))
			// Before /{id}: "complete" and "changes" are never task ids
			.POST("/complete", handler::completeMany)
			.route(path("/complete"), MethodNotAllowed.allowing(POST))
			// The delta sync on a path of its own, for a type of its own in the
			// OpenAPI document; ?updated_since= on the list still works
			.GET("/changes", feed::changes)
			.HEAD("/changes", feed::changes)
			.route(path("/changes"), MethodNotAllowed.allowing(GET, HEAD))
			.GET("/{id}", handler::get)
			.HEAD("/{id}", handler::get)
			.PUT("/{id}", handler::replace)
			.PATCH("/{id}", handler::patch)
			.DELETE("/{id}", handler::delete)
			.route(path("/{id}"), MethodNotAllowed.allowing(GET, HEAD, PUT, PATCH, DELETE))
			.PATCH("/{id}/complete", handler::complete)
			.route(path("/{id}/complete"), MethodNotAllowed.allowing(PATCH))
			.build();
	}

}
