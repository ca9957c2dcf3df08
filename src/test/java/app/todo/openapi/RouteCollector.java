package app.todo.openapi;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import reactor.core.publisher.Mono;

import org.springframework.core.io.Resource;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * Lists the routes of router functions as {@code "METHOD /path/{pattern}"}, nested paths
 * joined. Routes that match no particular method (those answering {@code 405}) are left
 * out.
 */
final class RouteCollector implements RouterFunctions.Visitor {

	private final Deque<String> prefixes = new ArrayDeque<>();

	private final Set<String> routes = new TreeSet<>();

	private final List<String> unknown = new ArrayList<>();

	static RouteCollector of(Iterable<RouterFunction<?>> routerFunctions) {
		RouteCollector collector = new RouteCollector();
		routerFunctions.forEach((routerFunction) -> routerFunction.accept(collector));
		return collector;
	}

	/** Every route as {@code "GET /api/tasks/{id}"}. */
	Set<String> routes() {
		return this.routes;
	}

	/** Router functions this collector cannot read (a custom implementation). */
	List<String> unknown() {
		return this.unknown;
	}

	@Override
	public void startNested(RequestPredicate predicate) {
		Parts parts = new Parts();
		predicate.accept(parts);
		this.prefixes.push(prefix() + String.join("", parts.paths));
	}

	@Override
	public void endNested(RequestPredicate predicate) {
		this.prefixes.pop();
	}

	@Override
	public void route(RequestPredicate predicate, HandlerFunction<?> handlerFunction) {
		Parts parts = new Parts();
		predicate.accept(parts);
		String path = prefix() + String.join("", parts.paths);
		parts.methods.forEach((method) -> this.routes.add(method.name() + " " + (path.isEmpty() ? "/" : path)));
	}

	@Override
	public void resources(Function<ServerRequest, Mono<Resource>> lookupFunction) {
		this.unknown.add("static resources " + lookupFunction);
	}

	@Override
	public void attributes(Map<String, Object> attributes) {
	}

	@Override
	public void unknown(RouterFunction<?> routerFunction) {
		this.unknown.add("router function " + routerFunction);
	}

	private String prefix() {
		return this.prefixes.isEmpty() ? "" : this.prefixes.peek();
	}

	/** The paths and methods of one predicate; an {@code or} of methods gives each. */
	private static final class Parts implements RequestPredicates.Visitor {

		final List<String> paths = new ArrayList<>();

		final Set<HttpMethod> methods = new java.util.LinkedHashSet<>();

		private int negations;

		@Override
		public void method(Set<HttpMethod> methods) {
			if (this.negations == 0) {
				this.methods.addAll(methods);
			}
		}

		@Override
		public void path(String pattern) {
			this.paths.add(pattern);
		}

		@Override
		public void pathExtension(String extension) {
		}

		@Override
		public void header(String name, String value) {
		}

		@Override
		public void queryParam(String name, String value) {
		}

		@Override
		public void version(String version) {
		}

		@Override
		public void startAnd() {
		}

		@Override
		public void and() {
		}

		@Override
		public void endAnd() {
		}

		@Override
		public void startOr() {
		}

		@Override
		public void or() {
		}

		@Override
		public void endOr() {
		}

		@Override
		public void startNegate() {
			this.negations++;
		}

		@Override
		public void endNegate() {
			this.negations--;
		}

		/**
		 * A predicate of the application's own (a lambda) only narrows a method and path.
		 */
		@Override
		public void unknown(RequestPredicate predicate) {
		}

	}

}
