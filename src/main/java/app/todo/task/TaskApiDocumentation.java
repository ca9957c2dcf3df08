package app.todo.task;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.springdoc.core.customizers.OpenApiCustomizer;

import app.todo.openapi.ApiDocs;

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
import static app.todo.openapi.ApiDocs.string;
import static app.todo.openapi.ApiDocs.type;

/**
 * The task routes of {@link TaskRouter} in the OpenAPI document, in both path forms. A route
 * added to the router is documented here (the OpenAPI tests fail until it is).
 */
@Component
class TaskApiDocumentation implements OpenApiCustomizer {

	private static final String TAG = "tasks";

	@Override
	public void customise(OpenAPI openApi) {
		ApiDocs docs = ApiDocs.of(openApi);
		Schema<?> task = docs.schemaOf(Task.class);
		Schema<?> write = docs.define("TaskWrite", taskWrite(true));
		Schema<?> patch = docs.define("TaskPatch", taskWrite(false)
			.description("A JSON Merge Patch (RFC 7396): absent members stay, `null` resets a member to its default."));
		Schema<?> completion = docs.define("TaskCompletion",
				object().addProperty("completed", bool()).required(List.of("completed")));

		docs.addForBothPathForms(HttpMethod.GET, "/tasks", addProblems(operation("listTasks", "List the caller's tasks")
			.description("A page of tasks, streamed. When more follow, `Link: <...>; rel=\"next\"` points to the next page.")
			.parameters(listParameters())
			.responses(new ApiResponses().addApiResponse("200", json("A page of tasks.", ApiDocs.array(task))
				.addHeaderObject("Link", header("`<url>; rel=\"next\"` when another page follows.")))), 400));
		docs.addForBothPathForms(HttpMethod.POST, "/tasks", writeProblems(operation("createTask", "Create a task")
			.requestBody(jsonBody(write, true))
			.responses(new ApiResponses().addApiResponse("201", json("The task, as stored.", task)
				.addHeaderObject("Location", header("The task's path.").required(true))))));
		docs.addForBothPathForms(HttpMethod.GET, "/tasks/{id}", addProblems(operation("getTask", "Read a task")
			.parameters(taskId())
			.responses(ok(task)), 404));
		docs.addForBothPathForms(HttpMethod.PUT, "/tasks/{id}", writeProblems(operation("replaceTask", "Replace a task")
			.description("Every writable member is set; absent optional members go back to their defaults.")
			.parameters(taskId())
			.requestBody(jsonBody(write, true))
			.responses(ok(task))));
		docs.addForBothPathForms(HttpMethod.PATCH, "/tasks/{id}", writeProblems(operation("patchTask", "Change some members of a task")
			.parameters(taskId())
			.requestBody(jsonBody(patch, true, "application/merge-patch+json", ApiDocs.JSON))
			.responses(ok(task))));
		docs.addForBothPathForms(HttpMethod.PATCH, "/tasks/{id}/complete", writeProblems(operation("completeTask",
				"Complete a task, or reopen it")
			.description("With no body, flips `completed`; with `{\"completed\": true|false}`, sets it.")
			.parameters(taskId())
			.requestBody(jsonBody(completion, false))
			.responses(ok(task))));
		docs.addForBothPathForms(HttpMethod.DELETE, "/tasks", addProblems(operation("deleteCompletedTasks",
				"Delete the caller's completed tasks")
			.description("Only `status=completed` is accepted, and no other parameter, so that no request deletes every task.")
			.parameters(new ArrayList<>(List.of(query("status", "Must be `completed`.", enumOf(List.of("completed")))
				.required(true))))
			.responses(new ApiResponses().addApiResponse("200", json("How many tasks were deleted.",
					object().addProperty("deleted", integer(0, null)).required(List.of("deleted"))))), 400));
		docs.addForBothPathForms(HttpMethod.POST, "/tasks/complete", writeProblems(operation("completeTasks",
				"Complete, or reopen, a set of the caller's tasks")
			.description("All or nothing: if any id is missing or someone else's, the answer is 404 and no task changes."
					+ " Each task changed counts a new version.")
			.requestBody(jsonBody(object()
				.addProperty("ids", array(integer(1, Long.MAX_VALUE)).minItems(1).maxItems(BulkCompletion.MAX_IDS)
					.description("Task ids; repeated ids count once."))
				.addProperty("completed", bool()._default(true))
				.required(List.of("ids")), true))
			.responses(new ApiResponses().addApiResponse("200", json("The tasks as they now are, by id.",
					object().addProperty("updated", integer(0, BulkCompletion.MAX_IDS))
						.addProperty("tasks", array(task))
						.required(List.of("updated", "tasks")))))));
		docs.addForBothPathForms(HttpMethod.DELETE, "/tasks/{id}", addProblems(operation("deleteTask", "Delete a task")
			.parameters(taskId())
			.responses(new ApiResponses().addApiResponse("204", new ApiResponse().description("Deleted."))), 404));
	}

	/** The query parameters of {@code GET /api/tasks}, as {@link TaskListQuery} reads them. */
	static List<Parameter> listParameters() {
		List<String> sorts = new ArrayList<>();
		for (TaskSort.Field field : TaskSort.Field.values()) {
			sorts.add(field.name);
			sorts.add("-" + field.name);
		}
		return new ArrayList<>(List.of(
				query("status", "Which tasks.", enumOf(Arrays.stream(TaskListQuery.Status.values())
					.map(TaskListQuery.Status::parameter).toList())._default("all")),
				query("sort", "The order; `-` for descending. Ties go by id; tasks without a due date come last.",
						enumOf(sorts)._default(TaskSort.DEFAULT.parameter())),
				query("limit", "Tasks per page.",
						integer(1, TaskListQuery.MAX_LIMIT)._default(TaskListQuery.DEFAULT_LIMIT)),
				query("offset", "Tasks to skip, for old clients (the `Link` cursor is better); not with `cursor`.",
						integer(0, TaskListQuery.MAX_OFFSET)._default(0)),
				query("cursor", "Where the page starts: opaque, from the previous page's `Link: rel=\"next\"`; only with"
						+ " the parameters of the page it came from.", string()),
				query("priority", "Tasks of any of these priorities; repeat the parameter.",
						array(enumOf(Arrays.stream(Priority.values()).map(Priority::value).toList()))
							.maxItems(Priority.values().length)),
				query("tag", "Tasks with all of these tags, whatever their case; repeat the parameter.",
						array(string().minLength(1).maxLength(TaskChanges.MAX_TAG_LENGTH)).maxItems(TaskChanges.MAX_TAGS)),
				query("due_after", "Tasks due at or after this RFC 3339 timestamp or date (00:00Z).", string()),
				query("due_before", "Tasks due before this RFC 3339 timestamp or date (00:00Z).", string()),
				query("overdue", "`true`: due before now and not completed; `false`: all other tasks.", bool()),
				query("q", "Tasks whose title or description has a word starting with each word of `q`, whatever"
						+ " the case and accents; in the order of `sort`. Blank is no search.",
						string().maxLength(TaskFilters.MAX_TEXT_LENGTH))));
	}

	private static Operation operation(String id, String summary) {
		return new Operation().operationId(id).summary(summary).addTagsItem(TAG);
	}

	private static Operation writeProblems(Operation operation) {
		return addProblems(operation, 400, 404, 413, 415, 422);
	}

	private static ApiResponses ok(Schema<?> task) {
		return new ApiResponses().addApiResponse("200", json("The task.", task));
	}

	private static List<Parameter> taskId() {
		return new ArrayList<>(List.of(new Parameter().in("path").name("id").required(true)
			.description("The task's id; one that is not the caller's is a 404.")
			.schema(integer(1, Long.MAX_VALUE))));
	}

	/** The writable members, as {@link TaskChanges} checks them. */
	private static Schema<?> taskWrite(boolean create) {
		Schema<?> schema = object()
			.addProperty("title", string().minLength(1).maxLength(TaskChanges.MAX_TITLE_LENGTH)
				.description("Trimmed; not blank."))
			.addProperty("description", type("string", "null").maxLength(TaskChanges.MAX_DESCRIPTION_LENGTH))
			.addProperty("completed", bool()._default(false))
			.addProperty("priority", enumOf(Arrays.stream(Priority.values()).map(Priority::value).toList())._default("medium"))
			.addProperty("due_date", type("string", "null")
				.description("An RFC 3339 timestamp, or a date such as `2026-12-01` (00:00Z)."))
			.addProperty("tags", array(string().minLength(1).maxLength(TaskChanges.MAX_TAG_LENGTH))
				.description("At most " + TaskChanges.MAX_TAGS + " distinct tags, stored lower-cased."))
			.description("The writable members; others are ignored.");
		if (create) {
			schema.setRequired(List.of("title"));
		}
		return schema;
	}

}
