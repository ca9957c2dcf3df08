package app.todo.task;

import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import app.todo.database.Uncancellable;
import app.todo.security.Caller;
import app.todo.user.UserRepository;
import app.todo.web.InvalidHeaderException;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * {@code POST /api/tasks} with an {@code Idempotency-Key}: the first request with a key creates
 * the task and keeps its answer for 24 hours; a retry with the same body gets that answer again
 * (with {@code Idempotent-Replayed: true}) and creates nothing, one with another body a 422.
 * <p>
 * The key's row is claimed ({@code INSERT ... ON CONFLICT}) in the transaction that creates the
 * task and records the answer, so they commit together or not at all. A concurrent request
 * with the same key blocks on the uncommitted row until that transaction ends, then reads the
 * committed answer (or, if it rolled back, claims the key itself): one task, never a 500.
 */
@Component
class IdempotentCreates {

	static final String HEADER = "Idempotency-Key";

	static final String REPLAYED = "Idempotent-Replayed";

	private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");

	/*
	 * Also takes over a key older than 24 hours that the purge has not reached yet. A user with
	 * their quota of keys in the last 24 hours claims none: the statement returns no row, as for
	 * a key that is taken, and the lookup that follows tells the two apart. The count stops at
	 * the quota, so it costs at most that many index entries.
	 */
	private static final String CLAIM = """
			WITH owner AS (%s)
			INSERT INTO idempotency_keys (user_id, idempotency_key, request_hash)
			SELECT :userId, :key, :hash
			WHERE (SELECT count(*) FROM (SELECT 1 FROM idempotency_keys WHERE user_id = :userId
			  AND created_at > now() - interval '24 hours' LIMIT :maxKeys) AS recent) < :maxKeys
			ON CONFLICT (user_id, idempotency_key) DO UPDATE
			  SET request_hash = EXCLUDED.request_hash, location = NULL, response = NULL, created_at = now()
			  WHERE idempotency_keys.created_at < now() - interval '24 hours'
			RETURNING true AS claimed""".formatted(UserRepository.CREATE_OWNER);

	private static final String RECORD = """
			UPDATE idempotency_keys SET location = :location, response = :response
			WHERE user_id = :userId AND idempotency_key = :key""";

	private static final String FIND = """
			SELECT request_hash, location, response FROM idempotency_keys
			WHERE user_id = :userId AND idempotency_key = :key""";

	private final DatabaseClient db;

	private final TaskRepository repository;

	private final TransactionalOperator transactions;

	private final JsonMapper jsonMapper;

	private final int maxKeys;

	IdempotentCreates(DatabaseClient db, TaskRepository repository, ReactiveTransactionManager transactionManager,
			JsonMapper jsonMapper, QuotaProperties quotas) {
		this.db = db;
		this.repository = repository;
		this.transactions = TransactionalOperator.create(transactionManager);
		this.jsonMapper = jsonMapper;
		this.maxKeys = quotas.idempotencyKeys();
	}

	/** The request's key, checked; null when it has none. */
	static @Nullable String key(ServerRequest request) {
		List<String> values = request.headers().header(HEADER);
		if (values.isEmpty()) {
			return null;
		}
		if (values.size() > 1 || !KEY.matcher(values.get(0)).matches()) {
			throw new InvalidHeaderException(HEADER, "must be given once, as 1 to 255 visible ASCII characters "
					+ "(a UUID is a good choice).");
		}
		return values.get(0);
	}

	Mono<ServerResponse> create(ServerRequest request, Caller caller, String key, TaskChanges task) {
		byte[] hash = hash(task);
		Mono<Answer> answer = UserRepository.bindOwner(this.db.sql(CLAIM), caller)
			.bind("key", key)
			.bind("hash", hash)
			.bind("maxKeys", this.maxKeys)
			.map((row) -> true)
			.one()
			.defaultIfEmpty(false)
			.flatMap((claimed) -> claimed ? first(request, caller, key, task)
					: replay(caller, key, hash)
						.switchIfEmpty(Mono.error(() -> QuotaExceededException.idempotencyKeys(this.maxKeys))));
		// To its end even when the client goes away: a transaction cancelled half-way could go
		// back to the pool still open and aborted, failing whoever took that connection next
		return Uncancellable.of(this.transactions.transactional(answer)).flatMap((first) -> {
			ServerResponse.BodyBuilder response = ServerResponse.created(URI.create(first.location()))
				.eTag(TaskETag.of(first.version()))
				.contentType(MediaType.APPLICATION_JSON);
			if (first.replayed()) {
				response.header(REPLAYED, "true");
			}
			return response.bodyValue(first.body());
		});
	}

	private Mono<Answer> first(ServerRequest request, Caller caller, String key, TaskChanges changes) {
		return this.repository.insert(caller, changes).flatMap((task) -> {
			String location = request.path() + "/" + task.id();
			String body = this.jsonMapper.writeValueAsString(task);
			return this.db.sql(RECORD)
				.bind("location", location)
				.bind("response", body)
				.bind("userId", caller.id())
				.bind("key", key)
				.fetch()
				.rowsUpdated()
				.thenReturn(new Answer(location, body, task.version(), false));
		});
	}

	private Mono<Answer> replay(Caller caller, String key, byte[] hash) {
		return this.db.sql(FIND).bind("userId", caller.id()).bind("key", key).map((row) -> {
			if (!MessageDigest.isEqual(hash, row.get("request_hash", byte[].class))) {
				throw new KeyReusedException();
			}
			String body = row.get("response", String.class);
			String location = row.get("location", String.class);
			if (body == null || location == null) {
				// Claimed, but by a transaction that has not recorded its answer: cannot happen
				// while claim and answer commit together; a retry then finds the answer
				throw new ErrorResponseException(HttpStatus.CONFLICT);
			}
			return new Answer(location, body, this.jsonMapper.readTree(body).get("version").asInt(), true);
		}).one();
	}

	/**
	 * Of the request as it is stored, not its bytes: member order, spacing, and members the
	 * API ignores (read-only or unknown) do not make it another request.
	 */
	private byte[] hash(TaskChanges task) {
		Map<String, @Nullable Object> canonical = new LinkedHashMap<>();
		task.values().forEach((member, value) -> canonical.put(member.column,
				(value instanceof String[] tags) ? List.of(tags) : (value instanceof Instant time) ? time.toString() : value));
		try {
			return MessageDigest.getInstance("SHA-256").digest(this.jsonMapper.writeValueAsBytes(canonical));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private record Answer(String location, String body, int version, boolean replayed) {
	}

	private static final class KeyReusedException extends ErrorResponseException {

		KeyReusedException() {
			super(HttpStatus.UNPROCESSABLE_CONTENT);
			getBody().setDetail("This Idempotency-Key was already used with another request body in the last 24 hours; "
					+ "use a new key for a new task.");
			getBody().setProperty("header", HEADER);
		}

	}

}
