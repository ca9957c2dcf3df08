package app.todo.task;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.springdoc.core.customizers.OpenApiCustomizer;

import app.todo.openapi.ApiDocs;
import app.todo.web.Paging;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;

import static app.todo.openapi.ApiDocs.addProblems;
import static app.todo.openapi.ApiDocs.array;
import static app.todo.openapi.ApiDocs.bool;
import static app.todo.openapi.ApiDocs.enumOf;
import static app.todo.openapi.ApiDocs.header;
import static app.todo.openapi.ApiDocs.integer;
import static app.todo.openapi.ApiDocs.json;
import static app.todo.openapi.ApiDocs.jsonBody;
import static app.todo.openapi.ApiDocs.object;
import static app.todo.openapi.ApiDocs.query;
import static app.todo.openapi.ApiDocs.requestHeader;
import static app.todo.openapi.ApiDocs.string;
import static app.todo.openapi.ApiDocs.type;

/**
 * The task routes of {@link TaskRouter} in the OpenAPI document, in both path forms. A
 * route or query parameter added to the router is documented here (the OpenAPI tests fail
 * until a route is).
 */
@Component
class TaskApiDocumentation implements OpenApiCustomizer {

	private static final String TAG = "tasks";

	private static final String TIMESTAMP = "An RFC 3339 timestamp, or a date such as `2026-12-01` (00:00Z).";

	@Override
	public void customise(OpenAPI openApi) {
		ApiDocs docs = ApiDocs.of(openApi);
		Schema<?> task = docs.schemaOf(Task.class);
		Schema<?> tombstone = docs.schemaOf(TaskRepository.Tombstone.class);
		Schema<?> write = docs.define("TaskWrite", taskWrite(true));
		Schema<?> patch = docs.define("TaskPatch", taskWrite(false)
			.description("A JSON Merge Patch (RFC 7396): absent members stay, `null` resets a member to its default."));
		Schema<?> completion = docs.define("TaskCompletion",
				object().addProperty("completed", bool()).required(List.of("completed")));
		Schema<?> bulkCompletion = docs.define("TaskBulkCompletion",
				object()
					.addProperty("ids", array(integer(1, Long.MAX_VALUE)).minItems(1).maxItems(BulkCompletion.MAX_IDS))
					.addProperty("completed", bool()._default(true))
					.required(List.of("ids")));

		docs.addForBothPathForms(HttpMethod.GET, "/tasks", addProblems(operation("listTasks", "List the caller's tasks")
			.description("A page of tasks. When more follow, `Link: <...>; rel=\"next\"` points to the next page (a "
					+ "reference to resolve against the request's URL). With `updated_since`, this answers as "
					+ "`GET /api/tasks/changes` (`syncTasks`) does, changes and deletions, which that operation "
					+ "documents.")
			.parameters(listParameters())
			.responses(new ApiResponses().addApiResponse("200", json("A page of tasks.", array(task))
				.addHeaderObject(HttpHeaders.LINK, header("`<url>; rel=\"next\"` when another page follows.")))), 400));
		Schema<?> change = docs.define("TaskChange", new JsonSchema().oneOf(List.of(task, tombstone))
			.description("A task as it is now, or a tombstone when it was deleted (`\"deleted\": true`)."));
		docs.addForBothPathForms(HttpMethod.GET, "/tasks/changes", addProblems(operation("syncTasks",
				"What changed since the last sync (delta sync)")
			.description("The tasks changed since `updated_since` and the deleted ones, oldest change first, "
					+ "a page at a time (`Link: <...>; rel=\"next\"`); the last page carries the `Sync-Token` "
					+ "to send as `updated_since` next time. Apply changes by `id`, keeping the highest "
					+ "`version`; a tombstone removes its task for good. Takes no filter or sort: the feed "
					+ "is every change of the caller's tasks.")
			.parameters(new ArrayList<>(List.of(
					query(TaskListParameters.UPDATED_SINCE,
							"Where the sync starts: the `Sync-Token` of the previous sync, an RFC 3339 timestamp, "
									+ "or `*` for everything.",
							string().minLength(1))
						.required(true),
					query(Paging.LIMIT, "Changes per page.",
							integer(1, Paging.MAX_LIMIT)._default(Paging.DEFAULT_LIMIT)))))
			.responses(new ApiResponses().addApiResponse("200",
					json("A page of changes, oldest first.", array(change))
						.addHeaderObject(HttpHeaders.LINK, header("`<url>; rel=\"next\"` when another page follows."))
						.addHeaderObject(TaskChangeFeed.SYNC_TOKEN,
								header("On the last page: the `updated_since` of the next sync.")))),
				400, 410));
		docs.addForBothPathForms(HttpMethod.POST, "/tasks", addProblems(writeProblems(operation("createTask",
				"Create a task")
			.description("With an `Idempotency-Key`, a retry of the same body within 24 hours answers the first "
					+ "answer and creates nothing; the same key with another body is a 422. A create past one of the "
					+ "user's quotas (tasks, deleted tasks, keys in 24 hours) is a 409 naming `quota` and `limit`.")
			.addParametersItem(
					requestHeader(TaskHandler.IDEMPOTENCY_KEY, "1 to 255 visible ASCII characters, per user.",
							string().minLength(1).maxLength(255).pattern("^[!-~]+$")))
			.requestBody(jsonBody(write, true))
			.responses(new ApiResponses().addApiResponse("201", withETag(json("The task, as stored.", task))
				.addHeaderObject(HttpHeaders.LOCATION, header("The task's path.").required(true))
				.addHeaderObject(TaskHandler.IDEMPOTENT_REPLAYED, header("`true` when this is the answer to an earlier "
						+ "request with the same `Idempotency-Key`."))))),
				409));
		docs.addForBothPathForms(HttpMethod.DELETE, "/tasks",
				addProblems(operation("deleteCompletedTasks", "Delete the caller's completed tasks")
					.addParametersItem(
							query("status", "Must be `completed`.", enumOf(List.of("completed"))).required(true))
					.responses(new ApiResponses().addApiResponse("200",
							json("How many were deleted.", docs.schemaOf(TaskHandler.Deleted.class)))),
						400));
		docs.addForBothPathForms(HttpMethod.POST, "/tasks/complete",
				writeProblems(operation("completeTasks", "Complete (or reopen) several tasks, all or none")
					.description("A missing or foreign id changes nothing and is a 404.")
					.requestBody(jsonBody(bulkCompletion, true))
					.responses(new ApiResponses().addApiResponse("200",
							json("The tasks, by id.", docs.schemaOf(TaskHandler.Updated.class))))));
		docs.addForBothPathForms(HttpMethod.GET, "/tasks/{id}",
				addProblems(
						operation("getTask", "Read a task").parameters(taskId())
							.addParametersItem(requestHeader(HttpHeaders.IF_NONE_MATCH,
									"ETags; the current one answers 304.", string()))
							.responses(ok(task).addApiResponse("304",
									new ApiResponse()
										.description("Not modified: `If-None-Match` names the current version.")
										.addHeaderObject(HttpHeaders.ETAG, header("The current version.")))),
						400, 404));
		docs.addForBothPathForms(HttpMethod.PUT, "/tasks/{id}",
				conditional(writeProblems(operation("replaceTask", "Replace a task")
					.description("Every writable member is set; absent optional members go back to their defaults.")
					.parameters(taskId())
					.requestBody(jsonBody(write, true))
					.responses(ok(task)))));
		docs.addForBothPathForms(HttpMethod.PATCH, "/tasks/{id}",
				conditional(writeProblems(operation("patchTask", "Change some members of a task").parameters(taskId())
					.requestBody(jsonBody(patch, true, "application/merge-patch+json", ApiDocs.JSON))
					.responses(ok(task)))));
		docs.addForBothPathForms(HttpMethod.PATCH, "/tasks/{id}/complete",
				conditional(writeProblems(operation("completeTask", "Complete a task, or reopen it")
					.description("With no body, flips `completed`; with `{\"completed\": true|false}`, sets it.")
					.parameters(taskId())
					.requestBody(jsonBody(completion, false))
					.responses(ok(task)))));
		docs.addForBothPathForms(HttpMethod.DELETE, "/tasks/{id}",
				conditional(addProblems(operation("deleteTask", "Delete a task").parameters(taskId())
					.responses(new ApiResponses().addApiResponse("204", new ApiResponse().description("Deleted."))),
						400, 404)));
	}

	/**
	 * The query parameters of {@code GET /api/tasks}, as {@link TaskListParameters} reads
	 * them.
	 */
	static List<Parameter> listParameters() {
		List<String> sorts = new ArrayList<>();
		for (TaskSort.Field field : TaskSort.Field.values()) {
			sorts.add(field.name);
			sorts.add("-" + field.name);
		}
		Schema<?> timestamp = string().description(TIMESTAMP);
		return new ArrayList<>(List.of(query(TaskListParameters.STATUS, "Which tasks.",
				enumOf(Arrays.stream(TaskListQuery.Status.values()).map(TaskListQuery.Status::parameter).toList())
					._default("all")),
				query(TaskListParameters.SORT,
						"The order; `-` for descending. Ties go by id; tasks without a due date come last.",
						enumOf(sorts)._default(TaskSort.DEFAULT.parameter())),
				query(Paging.LIMIT, "Tasks per page.", integer(1, Paging.MAX_LIMIT)._default(Paging.DEFAULT_LIMIT)),
				query(TaskListParameters.OFFSET,
						"Tasks to skip, for old clients (the `Link` cursor is better); not with `cursor`.",
						integer(0, TaskListParameters.MAX_OFFSET)._default(0)),
				query(TaskListParameters.CURSOR,
						"Where the page starts: opaque, from the previous page's `Link: rel=\"next\"`.", string()),
				query(TaskListParameters.PRIORITY, "Only these priorities (repeatable).",
						array(enumOf(Arrays.stream(Priority.values()).map(Priority::value).toList()))),
				query(TaskListParameters.TAG, "Only tasks with all these tags (repeatable).",
						array(string().minLength(1).maxLength(TaskChanges.MAX_TAG_LENGTH))
							.maxItems(TaskChanges.MAX_TAGS)),
				query(TaskListParameters.DUE_BEFORE, "Only tasks due before this time.", timestamp),
				query(TaskListParameters.DUE_AFTER, "Only tasks due at or after this time.", timestamp),
				query(TaskListParameters.OVERDUE,
						"`true`: only pending tasks past their due date; `false`: none of those.", bool()),
				query(TaskListParameters.TEXT, "Text search over title and description.",
						string().maxLength(TaskListParameters.MAX_TEXT_LENGTH))));
	}

	private static Operation operation(String id, String summary) {
		return new Operation().operationId(id).summary(summary).addTagsItem(TAG);
	}

	private static Operation writeProblems(Operation operation) {
		return addProblems(operation, 400, 404, 413, 415, 422);
	}

	/** {@code If-Match} on a write of one task: a stale version is a 412. */
	private static Operation conditional(Operation operation) {
		return addProblems(operation.addParametersItem(requestHeader(HttpHeaders.IF_MATCH,
				"The ETag of the version this change is based on (or `*`).", string())), 412);
	}

	private static ApiResponses ok(Schema<?> task) {
		return new ApiResponses().addApiResponse("200", withETag(json("The task.", task)));
	}

	private static ApiResponse withETag(ApiResponse response) {
		return response.addHeaderObject(HttpHeaders.ETAG,
				header("`\"<version>\"`, for `If-Match` and `If-None-Match`."));
	}

	private static List<Parameter> taskId() {
		return new ArrayList<>(List.of(new Parameter().in("path")
			.name("id")
			.required(true)
			.description("The task's id; one that is not the caller's is a 404.")
			.schema(integer(1, Long.MAX_VALUE))));
	}

	/** The writable members, as {@link TaskChanges} checks them. */
	private static Schema<?> taskWrite(boolean create) {
		Schema<?> schema = object()
			.addProperty("title",
					string().minLength(1).maxLength(TaskChanges.MAX_TITLE_LENGTH).description("Trimmed; not blank."))
			.addProperty("description", type("string", "null").maxLength(TaskChanges.MAX_DESCRIPTION_LENGTH))
			.addProperty("completed", bool()._default(false))
			.addProperty("priority",
					enumOf(Arrays.stream(Priority.values()).map(Priority::value).toList())._default("medium"))
			.addProperty("due_date", type("string", "null").description(TIMESTAMP))
			.addProperty("tags",
					array(string().minLength(1).maxLength(TaskChanges.MAX_TAG_LENGTH))
						.description("At most " + TaskChanges.MAX_TAGS + " distinct tags, stored lower-cased."))
			.description("The writable members; others are ignored.");
		if (create) {
			schema.setRequired(List.of("title"));
		}
		return schema;
	}

}
