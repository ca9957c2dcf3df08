package app.todo.task;

import java.net.URI;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import app.todo.database.Uncancellable;
import app.todo.security.Caller;
import app.todo.task.TaskRepository.PageRow;
import app.todo.web.InvalidHeaderException;
import app.todo.web.InvalidParameterException;
import app.todo.web.JsonBodyReader;
import app.todo.web.Paging;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The task routes, for the caller's own tasks only.
 */
@Component
class TaskHandler {

	static final String IDEMPOTENCY_KEY = "Idempotency-Key";

	static final String IDEMPOTENT_REPLAYED = "Idempotent-Replayed";

	private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");

	private static final List<MediaType> JSON = List.of(MediaType.APPLICATION_JSON);

	/** Compiled once: String.matches would compile it for every request. */
	private static final Pattern TASK_ID = Pattern.compile("[1-9]\\d{0,18}");

	private static final List<MediaType> MERGE_PATCH = List.of(MediaType.valueOf("application/merge-patch+json"),
			MediaType.APPLICATION_JSON);

	private final TaskRepository repository;

	private final JsonBodyReader bodies;

	private final IdempotentCreates idempotentCreates;

	TaskHandler(TaskRepository repository, JsonBodyReader bodies, IdempotentCreates idempotentCreates) {
		this.repository = repository;
		this.bodies = bodies;
		this.idempotentCreates = idempotentCreates;
	}

	/** One page, read whole before it is written: at most 200 tasks. */
	Mono<ServerResponse> list(ServerRequest request) {
		return Caller.of(request).flatMap((caller) -> {
			TaskListQuery query = TaskListParameters.parse(request.queryParams(), caller.id());
			return Uncancellable.of(this.repository.findPage(caller.id(), query).collectList()).flatMap((page) -> {
				ServerResponse.BodyBuilder response = ServerResponse.ok().contentType(MediaType.APPLICATION_JSON);
				if (!page.isEmpty() && page.get(0).next() != null) {
					String cursor = Cursor.encode(caller.id(), query, page.get(0).next());
					response.header(HttpHeaders.LINK,
							Paging.nextLink(request, TaskListParameters.CURSOR, cursor, TaskListParameters.OFFSET));
				}
				return response.bodyValue(page.stream().map(PageRow::task).toList());
			});
		});
	}

	/**
	 * {@code 304} with the ETag and no body when {@code If-None-Match} names the current
	 * version.
	 */
	Mono<ServerResponse> get(ServerRequest request) {
		long id = taskId(request);
		TaskETag.check(request);
		return Caller.of(request)
			.flatMap((caller) -> this.repository.find(caller.id(), id))
			.switchIfEmpty(Mono.error(TaskNotFoundException::new))
			.flatMap((task) -> TaskETag.noneMatchFails(request, task)
					? ServerResponse.status(HttpStatus.NOT_MODIFIED).eTag(TaskETag.of(task)).build() : ok(task));
	}

	Mono<ServerResponse> create(ServerRequest request) {
		String idempotencyKey = idempotencyKey(request);
		if (idempotencyKey != null) {
			return Caller.of(request)
				.zipWith(this.bodies.readObject(request, JSON).map(TaskChanges::allMembers))
				.flatMap((callerAndTask) -> this.idempotentCreates.create(callerAndTask.getT1(), idempotencyKey,
						callerAndTask.getT2(), request.path()))
				.flatMap((answer) -> {
					ServerResponse.BodyBuilder response = ServerResponse.created(URI.create(answer.location()))
						.eTag(TaskETag.of(answer.version()))
						.contentType(MediaType.APPLICATION_JSON);
					if (answer.replayed()) {
						response.header(IDEMPOTENT_REPLAYED, "true");
					}
					return response.bodyValue(answer.body());
				});
		}
		return Caller.of(request)
			.zipWith(this.bodies.readObject(request, JSON).map(TaskChanges::allMembers))
			.flatMap((callerAndTask) -> this.repository.insert(callerAndTask.getT1(), callerAndTask.getT2()))
			.flatMap((task) -> ServerResponse.created(URI.create(request.path() + "/" + task.id()))
				.eTag(TaskETag.of(task))
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(task));
	}

	Mono<ServerResponse> replace(ServerRequest request) {
		return update(request, this.bodies.readObject(request, JSON).map(TaskChanges::allMembers));
	}

	Mono<ServerResponse> patch(ServerRequest request) {
		return update(request, this.bodies.readObject(request, MERGE_PATCH).map(TaskChanges::mergePatch));
	}

	/**
	 * With no body, flips {@code completed}; with {@code {"completed": true|false}}, sets
	 * it.
	 */
	Mono<ServerResponse> complete(ServerRequest request) {
		Mono<Optional<JsonNode>> body = this.bodies.readOptionalObject(request, JSON)
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty());
		return write(request, body,
				(userId, id, versions, completion) -> completion
					.map((json) -> this.repository.update(userId, id, TaskChanges.completion(json), versions))
					.orElseGet(() -> this.repository.toggleCompleted(userId, id, versions)));
	}

	Mono<ServerResponse> delete(ServerRequest request) {
		long id = taskId(request);
		TaskETag.check(request);
		Integer[] versions = TaskETag.ifMatch(request);
		return Caller.of(request)
			.flatMap((caller) -> this.repository.delete(caller.id(), id, versions)
				.flatMap((deleted) -> deleted ? ServerResponse.noContent().build()
						: missingOrChanged(caller.id(), id, versions)));
	}

	/**
	 * {@code DELETE /api/tasks?status=completed}: clears the caller's completed tasks.
	 */
	Mono<ServerResponse> deleteCompleted(ServerRequest request) {
		return Caller.of(request).flatMap((caller) -> {
			MultiValueMap<String, String> parameters = request.queryParams();
			String status = Paging.single(parameters, TaskListParameters.STATUS);
			if (!"completed".equals(status)) {
				// Anything else would be a way to lose every task by accident
				throw new InvalidParameterException(TaskListParameters.STATUS,
						"must be completed: only completed tasks are deleted at once.");
			}
			parameters.keySet()
				.stream()
				.filter((name) -> !name.equals(TaskListParameters.STATUS))
				.findFirst()
				.ifPresent((name) -> {
					throw new InvalidParameterException(name, "cannot narrow which completed tasks are deleted.");
				});
			return this.repository.deleteCompleted(caller.id());
		})
			.flatMap((deleted) -> ServerResponse.ok()
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(new Deleted(deleted)));
	}

	/**
	 * {@code POST /api/tasks/complete}: sets completed on a set of the caller's tasks,
	 * all or none.
	 */
	Mono<ServerResponse> completeMany(ServerRequest request) {
		return Caller.of(request)
			.zipWith(this.bodies.readObject(request, JSON).map(BulkCompletion::from))
			.flatMap((callerAndBody) -> {
				BulkCompletion completion = callerAndBody.getT2();
				return this.repository
					.setCompleted(callerAndBody.getT1().id(), completion.ids(), completion.completed())
					.collectSortedList(Comparator.comparingLong(Task::id))
					.filter((tasks) -> tasks.size() == completion.ids().size());
			})
			.switchIfEmpty(Mono.error(TaskNotFoundException::new))
			.flatMap((tasks) -> ServerResponse.ok()
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(new Updated(tasks.size(), tasks)));
	}

	private Mono<ServerResponse> update(ServerRequest request, Mono<TaskChanges> body) {
		return write(request, body,
				(userId, id, versions, changes) -> changes.isEmpty()
						? this.repository.find(userId, id).filter((task) -> matches(task, versions))
						: this.repository.update(userId, id, changes, versions));
	}

	/**
	 * Checks the conditional headers, reads the body, then writes the caller's task with
	 * it; a task that is not theirs is a 404, one whose version If-Match does not name a
	 * 412.
	 */
	private <T> Mono<ServerResponse> write(ServerRequest request, Mono<T> body, TaskWrite<T> write) {
		long id = taskId(request);
		TaskETag.check(request);
		Integer[] versions = TaskETag.ifMatch(request);
		return Caller.of(request).zipWith(body).flatMap((callerAndBody) -> {
			String userId = callerAndBody.getT1().id();
			return write.apply(userId, id, versions, callerAndBody.getT2())
				.switchIfEmpty(Mono.defer(() -> missingOrChanged(userId, id, versions)));
		}).flatMap(TaskHandler::ok);
	}

	/**
	 * Why a write found no row: the task is missing (or not the caller's), or it is there
	 * with another version. Asked after the write, which alone decided: this only picks
	 * the answer.
	 */
	private <T> Mono<T> missingOrChanged(String userId, long id, Integer @Nullable [] versions) {
		if (versions == null) {
			return Mono.error(new TaskNotFoundException());
		}
		return this.repository.find(userId, id)
			.flatMap((task) -> Mono.<T>error(new TaskPreconditionFailedException()))
			.switchIfEmpty(Mono.error(TaskNotFoundException::new));
	}

	private static boolean matches(Task task, Integer @Nullable [] versions) {
		return versions == null || Arrays.asList(versions).contains(task.version());
	}

	/** The answer to clearing completed tasks. */
	record Deleted(long deleted) {
	}

	/** The answer to a bulk completion: the tasks as they now are, by id. */
	record Updated(int updated, List<Task> tasks) {
	}

	private interface TaskWrite<T> {

		Mono<Task> apply(String userId, long id, Integer @Nullable [] versions, T body);

	}

	private static Mono<ServerResponse> ok(Task task) {
		return ServerResponse.ok().eTag(TaskETag.of(task)).contentType(MediaType.APPLICATION_JSON).bodyValue(task);
	}

	/** Ids are positive 64-bit integers; anything else names no task. */
	private static long taskId(ServerRequest request) {
		String id = request.pathVariable("id");
		if (TASK_ID.matcher(id).matches()) {
			try {
				return Long.parseLong(id);
			}
			catch (NumberFormatException ex) {
				// above Long.MAX_VALUE
			}
		}
		throw new TaskNotFoundException();
	}

	/** The request's {@code Idempotency-Key}, checked; null when it has none. */
	static @Nullable String idempotencyKey(ServerRequest request) {
		List<String> values = request.headers().header(IDEMPOTENCY_KEY);
		if (values.isEmpty()) {
			return null;
		}
		if (values.size() > 1 || !KEY.matcher(values.get(0)).matches()) {
			throw new InvalidHeaderException(IDEMPOTENCY_KEY,
					"must be given once, as 1 to 255 visible ASCII characters " + "(a UUID is a good choice).");
		}
		return values.get(0);
	}

}
