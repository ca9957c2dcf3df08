package app.todo.openapi;

import java.util.List;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * springdoc builds the document on first request with blocking classpath scans, and
 * serves the UI's files with blocking reads: these requests (and only these) run on the
 * bounded elastic scheduler, never on an event-loop thread.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class DocumentationOffEventLoopFilter implements WebFilter {

	private static final List<String> PREFIXES = List.of("/v3/api-docs", "/docs", "/swagger-ui", "/webjars/swagger-ui");

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String path = exchange.getRequest().getPath().pathWithinApplication().value();
		return isDocumentation(path) ? chain.filter(exchange).subscribeOn(Schedulers.boundedElastic())
				: chain.filter(exchange);
	}

	/** A loop, not a stream: it runs for every request. */
	private static boolean isDocumentation(String path) {
		for (String prefix : PREFIXES) {
			if (path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/'
					|| path.charAt(prefix.length()) == '.')) {
				return true;
			}
		}
		return false;
	}

}
