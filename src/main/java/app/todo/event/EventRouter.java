package app.todo.event;

import app.todo.web.MethodNotAllowed;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.springframework.http.HttpMethod.GET;
import static org.springframework.http.HttpMethod.HEAD;
import static org.springframework.http.HttpMethod.POST;
import static org.springframework.web.reactive.function.server.RequestPredicates.path;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * Live updates: {@code /api/events} and {@code /api/events/ticket}.
 */
@Configuration(proxyBeanMethods = false)
class EventRouter {

	static final String EVENTS = "/api/events";

	static final String TICKET = "/api/events/ticket";

	@Bean
	RouterFunction<ServerResponse> eventRoutes(EventHandler handler) {
		return route().GET(EVENTS, handler::stream)
			.HEAD(EVENTS, handler::head)
			.route(path(EVENTS), MethodNotAllowed.allowing(GET, HEAD))
			.POST(TICKET, handler::ticket)
			.route(path(TICKET), MethodNotAllowed.allowing(POST))
			.build();
	}

}
