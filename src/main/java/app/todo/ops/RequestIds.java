package app.todo.ops;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import io.micrometer.context.ContextRegistry;
import io.micrometer.tracing.handler.TracingObservationHandler;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;

/**
 * Request and trace ids for every request. The request id is the caller's
 * {@code X-Request-Id} when it is a short token, a new one otherwise; it goes back in the
 * response, into the access log and, through Reactor's context, into the MDC of the lines
 * logged while the request is handled, the problem details handler's included (hence a
 * decorator around the whole handler). The response also carries the trace id (see
 * {@link TraceIdHeader}), so that a client can quote it.
 */
final class RequestIds {

	static final String HEADER = "X-Request-Id";

	static final String TRACE_HEADER = "X-Trace-Id";

	/** The MDC key and the Reactor context key. */
	static final String KEY = "request_id";

	/**
	 * No spaces, quotes or control characters: the id is written into log lines as is.
	 */
	private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

	static {
		ContextRegistry.getInstance()
			.registerThreadLocalAccessor(KEY, () -> MDC.get(KEY), (id) -> MDC.put(KEY, id), () -> MDC.remove(KEY));
	}

	private RequestIds() {
	}

	/**
	 * Gives the request its id before anything else sees it: in the response, and in the
	 * context.
	 */
	static HttpHandler decorate(HttpHandler handler) {
		return (request, response) -> {
			String offered = request.getHeaders().getFirst(HEADER);
			String id = (offered != null && ACCEPTED.matcher(offered).matches()) ? offered : newId();
			response.getHeaders().set(HEADER, id);
			return handler.handle(request, response).contextWrite((context) -> context.put(KEY, id));
		};
	}

	static String requestId(ServerRequestObservationContext context) {
		String id = (context.getResponse() != null) ? context.getResponse().getHeaders().getFirst(HEADER) : null;
		return (id != null) ? id : "-";
	}

	/**
	 * The trace of the server observation that Spring opened around this exchange, if
	 * any.
	 */
	static @Nullable String traceId(ServerRequestObservationContext context) {
		// An unsampled span still has its ids (only the no-op tracer's are empty)
		TracingObservationHandler.TracingContext tracing = context.get(TracingObservationHandler.TracingContext.class);
		String traceId = (tracing != null && tracing.getSpan() != null) ? tracing.getSpan().context().traceId() : null;
		return (traceId != null && !traceId.isEmpty()) ? traceId : null;
	}

	private static String newId() {
		byte[] bytes = new byte[12];
		ThreadLocalRandom.current().nextBytes(bytes);
		return HexFormat.of().formatHex(bytes);
	}

}
