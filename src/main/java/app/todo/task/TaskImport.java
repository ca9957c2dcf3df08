package app.todo.task;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import app.todo.database.Uncancellable;
import app.todo.security.Caller;
import app.todo.task.TaskChanges.Member;
import app.todo.task.TaskRepository.ImportedTask;
import app.todo.web.ValidationException;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.util.unit.DataSize;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;

/**
 * {@code POST /api/me/import}: an export ({@link TaskExport}, of this instance or
 * another) becomes new tasks of the caller, all in one statement or none. The body is
 * read and every line checked before the database is touched, so a bad line costs no
 * transaction; it is bounded by {@link #MAX_SIZE} and by the caller's task quota. With an
 * {@code Idempotency-Key}, a retry of the same body answers the first import's answer and
 * creates nothing (the key is claimed in the import's transaction, as
 * {@link IdempotentCreates} does for one task).
 */
@Component
class TaskImport {

	/** Room for the default quota of 10,000 tasks of typical size. */
	static final DataSize MAX_SIZE = DataSize.ofMegabytes(16);

	private final TaskRepository repository;

	private final TransactionalOperator transactions;

	private final JsonMapper jsonMapper;

	private final QuotaProperties quotas;

	TaskImport(TaskRepository repository, ReactiveTransactionManager transactionManager, JsonMapper jsonMapper,
			QuotaProperties quotas) {
		this.repository = repository;
		this.transactions = TransactionalOperator.create(transactionManager);
		this.jsonMapper = jsonMapper;
		this.quotas = quotas;
	}

	Mono<ServerResponse> importTasks(ServerRequest request) {
		String key = TaskHandler.idempotencyKey(request);
		MediaType contentType;
		try {
			contentType = request.headers().contentType().orElse(null);
		}
		catch (InvalidMediaTypeException ex) {
			contentType = null;
		}
		if (contentType == null || !TaskExport.NDJSON.isCompatibleWith(contentType)) {
			UnsupportedMediaTypeStatusException ex = new UnsupportedMediaTypeStatusException(contentType,
					List.of(TaskExport.NDJSON), request.method());
			ex.setDetail("An import is sent as " + TaskExport.NDJSON + ", as GET /api/me/export writes it.");
			return Mono.error(ex);
		}
		if (request.headers().contentLength().orElse(0) > MAX_SIZE.toBytes()) {
			return Mono.error(tooLarge());
		}
		return Caller.of(request).zipWith(readBody(request)).flatMap((callerAndBody) -> {
			Caller caller = callerAndBody.getT1();
			byte[] body = callerAndBody.getT2();
			List<ImportedTask> tasks = parse(body);
			Mono<Answer> answer = (key != null) ? withKey(caller, key, hash(body), tasks)
					: this.repository.importAll(caller, tasks).map((imported) -> new Answer(answer(imported), false));
			// To its end even when the client goes away (see IdempotentCreates)
			return Uncancellable.of(this.transactions.transactional(answer));
		}).flatMap((answer) -> {
			ServerResponse.BodyBuilder response = ServerResponse.ok().contentType(MediaType.APPLICATION_JSON);
			if (answer.replayed()) {
				response.header(TaskHandler.IDEMPOTENT_REPLAYED, "true");
			}
			return response.bodyValue(answer.body());
		});
	}

	private Mono<Answer> withKey(Caller caller, String key, byte[] hash, List<ImportedTask> tasks) {
		return this.repository.claimKey(caller, key, hash).flatMap((claimed) -> {
			if (claimed) {
				return this.repository.importAll(caller, tasks)
					.map(this::answer)
					.flatMap((json) -> this.repository.recordAnswer(caller.id(), key, "/api/tasks", json)
						.thenReturn(new Answer(json, false)));
			}
			return this.repository.findKey(caller.id(), key)
				.switchIfEmpty(Mono.error(() -> QuotaExceededException.idempotencyKeys(this.quotas.idempotencyKeys())))
				.map((row) -> {
					if (!MessageDigest.isEqual(hash, row.requestHash())) {
						throw new IdempotentCreates.KeyReusedException();
					}
					if (row.response() == null) {
						throw new ErrorResponseException(HttpStatus.CONFLICT);
					}
					return new Answer(row.response(), true);
				});
		});
	}

	private String answer(long imported) {
		return "{\"imported\":" + imported + "}";
	}

	private Mono<byte[]> readBody(ServerRequest request) {
		return request.body(BodyExtractors.toDataBuffers())
			.reduceWith(ByteArrayOutputStream::new, TaskImport::append)
			.map(ByteArrayOutputStream::toByteArray)
			.defaultIfEmpty(new byte[0]);
	}

	private static ByteArrayOutputStream append(ByteArrayOutputStream bytes, DataBuffer buffer) {
		try {
			if (bytes.size() + buffer.readableByteCount() > MAX_SIZE.toBytes()) {
				throw tooLarge();
			}
			byte[] chunk = new byte[buffer.readableByteCount()];
			buffer.read(chunk);
			bytes.writeBytes(chunk);
			return bytes;
		}
		finally {
			DataBufferUtils.release(buffer);
		}
	}

	/** Every line checked, in order: the first bad one is the answer. */
	List<ImportedTask> parse(byte[] body) {
		List<ImportedTask> tasks = new ArrayList<>();
		int line = 0;
		int start = 0;
		while (start < body.length) {
			int end = start;
			while (end < body.length && body[end] != '\n') {
				end++;
			}
			line++;
			int length = end - start;
			if (length > 0 && body[end - 1] == '\r') {
				length--;
			}
			if (length == 0) {
				if (end < body.length - 1 || line == 1) {
					throw new ImportLineException(line, "is empty.", null);
				}
			}
			else {
				JsonNode node = object(body, start, length, line);
				if (line == 1) {
					checkHeader(node);
				}
				else {
					if (tasks.size() == this.quotas.tasks()) {
						throw QuotaExceededException.tasks(this.quotas.tasks());
					}
					tasks.add(task(node, line));
				}
			}
			start = end + 1;
		}
		if (line == 0) {
			throw new ImportLineException(1, "is missing: an import starts with the header line of an export.", null);
		}
		return tasks;
	}

	private JsonNode object(byte[] body, int start, int length, int line) {
		try {
			JsonNode node = this.jsonMapper.readTree(new String(body, start, length, StandardCharsets.UTF_8));
			if (node != null && node.isObject()) {
				return node;
			}
		}
		catch (JacksonException ex) {
			// reported below
		}
		throw new ImportLineException(line, "is not a JSON object.", null);
	}

	private static void checkHeader(JsonNode header) {
		JsonNode format = header.get("format");
		JsonNode version = header.get("format_version");
		if (format == null || !format.isString() || !TaskExport.FORMAT.equals(format.asString()) || version == null
				|| !version.isIntegralNumber() || version.asInt() != TaskExport.FORMAT_VERSION) {
			throw new ImportLineException(1, "is not the header of an export of format '" + TaskExport.FORMAT
					+ "', version " + TaskExport.FORMAT_VERSION + ".", null);
		}
	}

	private ImportedTask task(JsonNode node, int line) {
		TaskChanges changes;
		try {
			changes = TaskChanges.allMembers(node);
		}
		catch (ValidationException ex) {
			throw new ImportLineException(line, "is not a valid task.", ex.getBody().getProperties().get("errors"));
		}
		Map<Member, @Nullable Object> values = changes.values();
		Instant completedAt = null;
		JsonNode completedAtNode = node.get("completed_at");
		if (Boolean.TRUE.equals(values.get(Member.COMPLETED)) && completedAtNode != null && !completedAtNode.isNull()) {
			try {
				completedAt = Instant.parse(completedAtNode.asString());
			}
			catch (DateTimeParseException | JacksonException ex) {
				throw new ImportLineException(line, "has a completed_at that is not an RFC 3339 timestamp.", null);
			}
		}
		Object tags = values.get(Member.TAGS);
		String tagsJson = this.jsonMapper.writeValueAsString((tags != null) ? tags : new String[0]);
		return new ImportedTask(values, completedAt, tagsJson);
	}

	private static byte[] hash(byte[] body) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(body);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static ResponseStatusException tooLarge() {
		return new ResponseStatusException(HttpStatus.CONTENT_TOO_LARGE,
				"An import is at most " + MAX_SIZE.toMegabytes() + " MiB.");
	}

	private record Answer(String body, boolean replayed) {
	}

	/**
	 * {@code 400} naming the first line that cannot be imported, and nothing imported.
	 */
	static final class ImportLineException extends ErrorResponseException {

		ImportLineException(int line, String problem, @Nullable Object errors) {
			super(HttpStatus.BAD_REQUEST);
			getBody().setDetail("Line " + line + " of the import " + problem + " Nothing was imported.");
			getBody().setProperty("line", line);
			if (errors != null) {
				getBody().setProperty("errors", errors);
			}
		}

	}

}
