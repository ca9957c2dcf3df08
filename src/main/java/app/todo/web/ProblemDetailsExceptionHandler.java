package app.todo.web;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.handler.timeout.ReadTimeoutException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

/**
 * The one place where failures become RFC 9457 problem details: errors raised by
 * handlers, by Spring before a handler runs (unknown route, method, media type), and by
 * the security chain. Whatever is unexpected is logged here and answered without any of
 * its details.
 */
@Component
@Order(-2) // ahead of Spring Boot's own error handler
class ProblemDetailsExceptionHandler implements WebExceptionHandler {

	private static final Log logger = LogFactory.getLog(ProblemDetailsExceptionHandler.class);

	private final JsonMapper jsonMapper;

	ProblemDetailsExceptionHandler(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		ServerHttpResponse response = exchange.getResponse();
		if (response.isCommitted()) {
			return Mono.error(ex);
		}
		// handle(), as Reactor restores the request's MDC (request and trace ids) for it
		// alone
		return Mono.just(ex)
			.<ErrorResponse>handle((failure, sink) -> sink.next(toErrorResponse(exchange, failure)))
			.flatMap((error) -> write(exchange, error));
	}

	private Mono<Void> write(ServerWebExchange exchange, ErrorResponse error) {
		ServerHttpResponse response = exchange.getResponse();
		ProblemDetail problem = error.getBody();
		if (problem.getDetail() == null) {
			problem.setDetail((problem.getStatus() == HttpStatus.NOT_FOUND.value()) ? "Nothing is found at this path."
					: problem.getTitle() + ".");
		}
		response.setStatusCode(error.getStatusCode());
		response.getHeaders().putAll(error.getHeaders());
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		// The raw path, not a URI: a path Netty let through need not parse as one
		String instance = (problem.getInstance() != null) ? problem.getInstance().toString()
				: exchange.getRequest().getPath().value();
		byte[] body = this.jsonMapper.writeValueAsBytes(toMap(problem, instance));
		return drain(exchange.getRequest())
			.then(Mono.defer(() -> response.writeWith(Mono.just(response.bufferFactory().wrap(body)))));
	}

	/**
	 * Reads what is left of the request's body, up to {@link JsonBodyReader#DRAIN_LIMIT},
	 * before the answer: most problems are found before the body is read (a missing
	 * token, a foreign path, a wrong method), and a server that answers and closes while
	 * the client is still sending resets the connection, so that the client sees a
	 * network error instead of the problem. Nothing to do for requests without a body, or
	 * whose body was read already.
	 */
	private static Mono<Void> drain(ServerHttpRequest request) {
		HttpHeaders headers = request.getHeaders();
		long length;
		try {
			length = headers.getContentLength();
		}
		catch (NumberFormatException ex) {
			length = -1;
		}
		boolean chunked = headers.containsHeader(HttpHeaders.TRANSFER_ENCODING);
		if ((length <= 0 && !chunked) || length > JsonBodyReader.DRAIN_LIMIT.toBytes()) {
			return Mono.empty();
		}
		AtomicLong read = new AtomicLong();
		return request.getBody().takeWhile((buffer) -> {
			long total = read.addAndGet(buffer.readableByteCount());
			DataBufferUtils.release(buffer);
			return total <= JsonBodyReader.DRAIN_LIMIT.toBytes();
		}).then().onErrorComplete();
	}

	private ErrorResponse toErrorResponse(ServerWebExchange exchange, Throwable ex) {
		if (ex instanceof ErrorResponse errorResponse) {
			return errorResponse;
		}
		if (ex instanceof ReadTimeoutException || ex instanceof TimeoutException) {
			// HTTP_READ_TIMEOUT or HTTP_REQUEST_TIMEOUT: the client stopped sending its
			// body
			return ErrorResponse.create(ex, HttpStatus.REQUEST_TIMEOUT, "The request body did not arrive in time.");
		}
		if (ex instanceof InvalidMediaTypeException) {
			// A Content-Type or Accept that is no media type, wherever something reads it
			return ErrorResponse.create(ex, HttpStatus.BAD_REQUEST, "A media type header of the request is malformed.");
		}
		if (ex instanceof DataBufferLimitException) {
			return ErrorResponse.create(ex, HttpStatus.CONTENT_TOO_LARGE,
					"The request body is larger than " + JsonBodyReader.MAX_SIZE.toKilobytes() + " KiB.");
		}
		if (ex instanceof DataAccessResourceFailureException || ex instanceof TransientDataAccessException
				|| ex instanceof AuthenticationServiceException) {
			logger.warn("Service unavailable for " + exchange.getRequest().getMethod() + " "
					+ exchange.getRequest().getPath() + ": " + ex.getMessage());
			return ErrorResponse
				.builder(ex, HttpStatus.SERVICE_UNAVAILABLE, "The service is briefly unavailable; retry shortly.")
				.header(HttpHeaders.RETRY_AFTER, "1")
				.build();
		}
		logger.error(
				"Unexpected error for " + exchange.getRequest().getMethod() + " " + exchange.getRequest().getPath(),
				ex);
		return ErrorResponse.create(ex, HttpStatus.INTERNAL_SERVER_ERROR, "An unexpected error occurred.");
	}

	private static Map<String, Object> toMap(ProblemDetail problem, String instance) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", (problem.getType() != null) ? problem.getType().toString() : "about:blank");
		body.put("title", problem.getTitle());
		body.put("status", problem.getStatus());
		if (problem.getDetail() != null) {
			body.put("detail", problem.getDetail());
		}
		body.put("instance", instance);
		if (problem.getProperties() != null) {
			body.putAll(problem.getProperties());
		}
		return body;
	}

}
