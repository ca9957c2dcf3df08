package app.todo.task;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import app.todo.database.Uncancellable;
import app.todo.security.Caller;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.ErrorResponseException;

/**
 * Creates with an {@code Idempotency-Key}: the first request with a key creates the task
 * and keeps its answer for 24 hours; a retry with the same body gets that answer again
 * and creates nothing, one with another body a 422. {@link TaskHandler} turns the
 * {@link Answer} into HTTP, {@link TaskRepository} holds the statements.
 * <p>
 * The key's row is claimed ({@code INSERT ... ON CONFLICT}) in the transaction that
 * creates the task and records the answer, so they commit together or not at all. A
 * concurrent request with the same key blocks on the uncommitted row until that
 * transaction ends, then reads the committed answer (or, if it rolled back, claims the
 * key itself): one task, never a 500.
 */
@Component
class IdempotentCreates {

	private final TaskRepository repository;

	private final TransactionalOperator transactions;

	private final JsonMapper jsonMapper;

	private final int maxKeys;

	IdempotentCreates(TaskRepository repository, ReactiveTransactionManager transactionManager, JsonMapper jsonMapper,
			QuotaProperties quotas) {
		this.repository = repository;
		this.transactions = TransactionalOperator.create(transactionManager);
		this.jsonMapper = jsonMapper;
		this.maxKeys = quotas.idempotencyKeys();
	}

	/**
	 * The answer to a create with this key: the first one's, new or replayed.
	 * @param collection the path the task is created under, for its {@code Location}
	 */
	Mono<Answer> create(Caller caller, String key, TaskChanges task, String collection) {
		byte[] hash = hash(task);
		Mono<Answer> answer = this.repository.claimKey(caller, key, hash)
			.flatMap((claimed) -> claimed ? first(caller, key, task, collection) : replay(caller, key, hash)
				.switchIfEmpty(Mono.error(() -> QuotaExceededException.idempotencyKeys(this.maxKeys))));
		// To its end even when the client goes away: a transaction cancelled half-way
		// could go
		// back to the pool still open and aborted, failing whoever took that connection
		// next
		return Uncancellable.of(this.transactions.transactional(answer));
	}

	private Mono<Answer> first(Caller caller, String key, TaskChanges changes, String collection) {
		return this.repository.insert(caller, changes).flatMap((task) -> {
			String location = collection + "/" + task.id();
			String body = this.jsonMapper.writeValueAsString(task);
			return this.repository.recordAnswer(caller.id(), key, location, body)
				.thenReturn(new Answer(location, body, task.version(), false));
		});
	}

	private Mono<Answer> replay(Caller caller, String key, byte[] hash) {
		return this.repository.findKey(caller.id(), key).map((row) -> {
			if (!MessageDigest.isEqual(hash, row.requestHash())) {
				throw new KeyReusedException();
			}
			String body = row.response();
			String location = row.location();
			if (body == null || location == null) {
				// Claimed, but by a transaction that has not recorded its answer: cannot
				// happen
				// while claim and answer commit together; a retry then finds the answer
				throw new ErrorResponseException(HttpStatus.CONFLICT);
			}
			return new Answer(location, body, this.jsonMapper.readTree(body).get("version").asInt(), true);
		});
	}

	/**
	 * Of the request as it is stored, not its bytes: member order, spacing, and members
	 * the API ignores (read-only or unknown) do not make it another request.
	 */
	private byte[] hash(TaskChanges task) {
		Map<String, @Nullable Object> canonical = new LinkedHashMap<>();
		task.values()
			.forEach((member, value) -> canonical.put(member.column, (value instanceof String[] tags) ? List.of(tags)
					: (value instanceof Instant time) ? time.toString() : value));
		try {
			return MessageDigest.getInstance("SHA-256").digest(this.jsonMapper.writeValueAsBytes(canonical));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The first answer to a key.
	 *
	 * @param body the task as it was created, as JSON
	 * @param replayed whether this request is a retry that created nothing
	 */
	record Answer(String location, String body, int version, boolean replayed) {
	}

	static final class KeyReusedException extends ErrorResponseException {

		KeyReusedException() {
			super(HttpStatus.UNPROCESSABLE_CONTENT);
			getBody().setDetail("This Idempotency-Key was already used with another request body in the last 24 hours; "
					+ "use a new key for a new task.");
			getBody().setProperty("header", TaskHandler.IDEMPOTENCY_KEY);
		}

	}

}
