package app.todo.ops;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import reactor.core.publisher.Mono;

import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.stereotype.Component;

/**
 * {@code X-Trace-Id} on every response: the trace of the request's observation, read when
 * the response is committed, by which time the tracing handler has opened its span.
 */
@Component
class TraceIdHeader implements ObservationHandler<ServerRequestObservationContext> {

	@Override
	public void onStart(ServerRequestObservationContext context) {
		ServerHttpResponse response = context.getResponse();
		if (response != null) {
			response.beforeCommit(() -> {
				String traceId = RequestIds.traceId(context);
				if (traceId != null) {
					response.getHeaders().set(RequestIds.TRACE_HEADER, traceId);
				}
				return Mono.empty();
			});
		}
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof ServerRequestObservationContext;
	}

}
