package app.todo.web;

import java.io.ByteArrayOutputStream;
import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;

/**
 * Reads a request body that must be one JSON object, with the contract's answers for what
 * is not: {@code 415} for another content type, {@code 413} past {@link #MAX_SIZE},
 * {@code 400} for anything that is not a JSON object.
 * <p>
 * An oversized body is read to its end (up to {@link #DRAIN_LIMIT}) before the
 * {@code 413}: a server that answers while the client is still sending resets the
 * connection, and the client sees a network error instead of the answer.
 */
@Component
public class JsonBodyReader {

	public static final DataSize MAX_SIZE = DataSize.ofKilobytes(64);

	static final DataSize DRAIN_LIMIT = DataSize.ofMegabytes(1);

	private final JsonMapper jsonMapper;

	JsonBodyReader(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	public Mono<JsonNode> readObject(ServerRequest request, List<MediaType> accepted) {
		if (request.headers().firstHeader(HttpHeaders.CONTENT_TYPE) == null) {
			return Mono.error(unsupported(null, request, accepted));
		}
		return readOptionalObject(request, accepted)
			.switchIfEmpty(Mono.error(() -> new ServerWebInputException("The request body is empty.")));
	}

	/**
	 * Like {@link #readObject} for a route whose body is optional: empty when the request
	 * has none, with or without a content type.
	 */
	public Mono<JsonNode> readOptionalObject(ServerRequest request, List<MediaType> accepted) {
		MediaType contentType;
		try {
			contentType = request.headers().contentType().orElse(null);
		}
		catch (InvalidMediaTypeException ex) {
			// Not a media type at all ("json", "text/"), or one with an unknown charset
			return Mono.error(unparsable(request, accepted));
		}
		if (contentType != null && accepted.stream().noneMatch((type) -> type.isCompatibleWith(contentType))) {
			return Mono.error(unsupported(contentType, request, accepted));
		}
		if (request.headers().contentLength().orElse(0) > DRAIN_LIMIT.toBytes()) {
			return Mono.error(tooLarge());
		}
		return request.body(BodyExtractors.toDataBuffers()).reduceWith(Body::new, Body::append).flatMap((body) -> {
			if (body.size == 0) {
				return Mono.empty();
			}
			if (contentType == null) {
				return Mono.error(unsupported(null, request, accepted));
			}
			if (body.size > MAX_SIZE.toBytes()) {
				return Mono.error(tooLarge());
			}
			return Mono.just(parseObject(body.bytes.toByteArray()));
		});
	}

	private JsonNode parseObject(byte[] bytes) {
		JsonNode node;
		try {
			node = this.jsonMapper.readTree(bytes);
		}
		catch (JacksonException ex) {
			throw new ServerWebInputException("The request body is not valid JSON.");
		}
		if (node == null || !node.isObject()) {
			throw new ServerWebInputException("The request body must be a JSON object.");
		}
		return node;
	}

	private static ResponseStatusException unsupported(@Nullable MediaType contentType, ServerRequest request,
			List<MediaType> accepted) {
		UnsupportedMediaTypeStatusException ex = new UnsupportedMediaTypeStatusException(contentType, accepted,
				request.method());
		ex.setDetail((contentType != null)
				? "Content-Type '" + contentType + "' is not supported; send " + accepted.get(0) + "."
				: "A request body needs a Content-Type of " + accepted.get(0) + ".");
		return ex;
	}

	private static ResponseStatusException unparsable(ServerRequest request, List<MediaType> accepted) {
		UnsupportedMediaTypeStatusException ex = new UnsupportedMediaTypeStatusException(null, accepted,
				request.method());
		ex.setDetail("The Content-Type header is not a media type this API can read; send " + accepted.get(0) + ".");
		return ex;
	}

	static ResponseStatusException tooLarge() {
		return new ResponseStatusException(HttpStatus.CONTENT_TOO_LARGE,
				"The request body is larger than " + MAX_SIZE.toKilobytes() + " KiB.");
	}

	/** The bytes of a body up to the size limit, and the count of all of them. */
	private static final class Body {

		private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

		private long size;

		Body append(DataBuffer buffer) {
			try {
				int count = buffer.readableByteCount();
				this.size += count;
				if (this.size > DRAIN_LIMIT.toBytes()) {
					throw tooLarge();
				}
				if (this.size <= MAX_SIZE.toBytes()) {
					byte[] chunk = new byte[count];
					buffer.read(chunk);
					this.bytes.writeBytes(chunk);
				}
				return this;
			}
			finally {
				DataBufferUtils.release(buffer);
			}
		}

	}

}
