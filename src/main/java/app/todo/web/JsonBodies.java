package app.todo.web;

import java.util.List;

import tools.jackson.databind.JsonNode;
import reactor.core.publisher.Mono;

import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;

/**
 * Reads a request body that must be one JSON object, with the contract's answers for what is
 * not: {@code 415} for another content type, {@code 413} past the size limit, {@code 400} for
 * anything that is not a JSON object.
 */
public final class JsonBodies {

	/** Keep in step with {@code spring.codec.max-in-memory-size}, which bounds chunked bodies. */
	public static final DataSize MAX_SIZE = DataSize.ofKilobytes(64);

	private JsonBodies() {
	}

	public static Mono<JsonNode> readObject(ServerRequest request, List<MediaType> accepted) {
		MediaType contentType = request.headers().contentType().orElse(null);
		if (contentType == null || accepted.stream().noneMatch((type) -> type.isCompatibleWith(contentType))) {
			return Mono.error(new UnsupportedMediaTypeStatusException(contentType, accepted, request.method()));
		}
		if (request.headers().contentLength().orElse(0) > MAX_SIZE.toBytes()) {
			return Mono.error(tooLarge());
		}
		return request.bodyToMono(JsonNode.class)
			.onErrorMap(DataBufferLimitException.class, (ex) -> tooLarge())
			.onErrorMap((ex) -> ex instanceof DecodingException || ex instanceof ServerWebInputException,
					(ex) -> new ServerWebInputException("The request body is not valid JSON."))
			.switchIfEmpty(Mono.error(() -> new ServerWebInputException("The request body is empty.")))
			.filter(JsonNode::isObject)
			.switchIfEmpty(Mono.error(() -> new ServerWebInputException("The request body must be a JSON object.")));
	}

	private static ResponseStatusException tooLarge() {
		return new ResponseStatusException(HttpStatus.CONTENT_TOO_LARGE,
				"The request body is larger than " + MAX_SIZE.toKilobytes() + " KiB.");
	}

}
