package app.todo.spa;

import java.net.URI;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import app.todo.spa.SpaFiles.SpaFile;
import app.todo.web.MethodNotAllowed;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.http.ETag;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ResponseStatusException;

import static org.springframework.http.HttpMethod.GET;
import static org.springframework.http.HttpMethod.HEAD;
import static org.springframework.web.reactive.function.server.RequestPredicates.path;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * The reference single-page app at {@code /app/}, only with {@code SPA_ENABLED=true}:
 * otherwise {@code /app/} is an unknown path (a 404 problem) like any other. Its files
 * need no token (the security chain permits every path outside {@code /api/}); they are
 * no API routes, so they stay out of the OpenAPI document; like any request without a
 * token they count against the client address's rate limit (a page load is six requests)
 * and are written to the access log.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(SpaConfiguration.Enabled.class)
class SpaConfiguration {

	static final String ROOT = "/app/";

	/**
	 * Scripts, styles, images and connections from this origin only; no inline script or
	 * style, no plugin, no framing, no form posted elsewhere. A script injected into a
	 * task's title could not run even if the page inserted it as HTML (it does not).
	 */
	static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
			+ "img-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; "
			+ "frame-ancestors 'none'";

	@Bean
	RouterFunction<ServerResponse> spaRoutes() {
		SpaFiles files = new SpaFiles();
		HandlerFunction<ServerResponse> index = (request) -> serve(request, files.get("index.html"));
		HandlerFunction<ServerResponse> file = (request) -> serve(request, files.get(request.pathVariable("file")));
		return route().route(readOf("/app"), (request) -> ServerResponse.permanentRedirect(URI.create(ROOT)).build())
			.route(readOf(ROOT), index)
			.route(readOf(ROOT + "{file}"), file)
			.route(path("/app").or(path(ROOT)).or(path(ROOT + "{file}")), MethodNotAllowed.allowing(GET, HEAD))
			.build();
	}

	/** GET, and HEAD (the same answer, whose body WebFlux does not send). */
	private static RequestPredicate readOf(String pattern) {
		return RequestPredicates.GET(pattern).or(RequestPredicates.HEAD(pattern));
	}

	private static Mono<ServerResponse> serve(ServerRequest request, @Nullable SpaFile file) {
		if (file == null) {
			return Mono.error(new ResponseStatusException(HttpStatus.NOT_FOUND));
		}
		boolean unchanged = request.headers()
			.header(HttpHeaders.IF_NONE_MATCH)
			.stream()
			.flatMap((header) -> ETag.parse(header).stream())
			.anyMatch((tag) -> tag.isWildcard() || tag.compare(file.etag(), false));
		ServerResponse.BodyBuilder response = ServerResponse.status(unchanged ? HttpStatus.NOT_MODIFIED : HttpStatus.OK)
			.eTag(file.etag().formattedTag())
			// Revalidate every time (a 304 while unchanged): the names carry no version
			.header(HttpHeaders.CACHE_CONTROL, "no-cache")
			.header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
			.header("X-Content-Type-Options", "nosniff")
			.header("Referrer-Policy", "no-referrer");
		return unchanged ? response.build() : response.contentType(file.contentType()).bodyValue(file.content());
	}

	/**
	 * On when {@link SpaProperties}, bound as the application binds it, says so: one
	 * reading of {@code SPA_ENABLED} (a value that is not a boolean stops start-up with
	 * Spring Boot's report naming the property and its value).
	 */
	static final class Enabled extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			boolean enabled = Binder.get(context.getEnvironment())
				.bind("todo.spa", SpaProperties.class)
				.map(SpaProperties::enabled)
				.orElse(false);
			return enabled ? ConditionOutcome.match("SPA_ENABLED is true")
					: ConditionOutcome.noMatch("SPA_ENABLED is not true");
		}

	}

}
