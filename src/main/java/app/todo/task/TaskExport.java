package app.todo.task;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import app.todo.database.Uncancellable;
import app.todo.security.Caller;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * {@code GET /api/me/export}: every task of the caller as NDJSON, a header line
 * ({@link Header}) then one {@link Task} a line, as the API serves tasks. Rows go from
 * the database to the socket one by one, as the client reads them: memory does not grow
 * with the number of tasks, and one statement reads them all, so the export is one
 * snapshot.
 */
@Component
class TaskExport {

	static final String FORMAT = "todo-export";

	static final int FORMAT_VERSION = 1;

	static final MediaType NDJSON = MediaType.APPLICATION_NDJSON;

	private final TaskRepository repository;

	private final JsonMapper jsonMapper;

	TaskExport(TaskRepository repository, JsonMapper jsonMapper) {
		this.repository = repository;
		this.jsonMapper = jsonMapper;
	}

	Mono<ServerResponse> export(ServerRequest request) {
		DataBufferFactory buffers = request.exchange().getResponse().bufferFactory();
		return Caller.of(request).flatMap((caller) -> {
			Instant now = Instant.now();
			Flux<Object> lines = Flux.concat(Mono.just(new Header(FORMAT, FORMAT_VERSION, caller.id(), now)),
					// Read to the end if the client leaves: a query cancelled half-way
					// can leak its pooled connection (see Uncancellable)
					Uncancellable.of(this.repository.export(caller.id())));
			return ServerResponse.ok()
				.contentType(NDJSON)
				.header(HttpHeaders.CONTENT_DISPOSITION, contentDisposition(now))
				.cacheControl(CacheControl.noStore())
				.body(BodyInserters.fromDataBuffers(lines.map((line) -> line(buffers, line))));
		});
	}

	/** The export's headers, without reading a task. */
	Mono<ServerResponse> head(ServerRequest request) {
		return Caller.of(request)
			.flatMap((caller) -> ServerResponse.ok()
				.contentType(NDJSON)
				.header(HttpHeaders.CONTENT_DISPOSITION, contentDisposition(Instant.now()))
				.cacheControl(CacheControl.noStore())
				.build());
	}

	private static String contentDisposition(Instant now) {
		String filename = "todo-export-" + LocalDate.ofInstant(now, ZoneOffset.UTC) + ".ndjson";
		return ContentDisposition.attachment().filename(filename).build().toString();
	}

	/** One line: written with writeWith, so Netty flushes in batches, not per line. */
	private DataBuffer line(DataBufferFactory buffers, Object value) {
		byte[] json = this.jsonMapper.writeValueAsBytes(value);
		DataBuffer buffer = buffers.allocateBuffer(json.length + 1);
		buffer.write(json);
		buffer.write((byte) '\n');
		return buffer;
	}

	/**
	 * The first line of an export.
	 *
	 * @param format always {@value #FORMAT}
	 * @param formatVersion {@value #FORMAT_VERSION}; a reader refuses versions it does
	 * not know
	 * @param userId whose tasks follow
	 * @param exportedAt when the export began: its tasks are as they were then
	 */
	record Header(String format, int formatVersion, String userId, Instant exportedAt) {
	}

}
