package app.todo.task;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.springdoc.core.customizers.OpenApiCustomizer;

import app.todo.openapi.ApiDocs;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;

import static app.todo.openapi.ApiDocs.header;
import static app.todo.openapi.ApiDocs.type;

/**
 * {@code GET /api/me/export} and {@code POST /api/me/import} ({@link TaskExport},
 * {@link TaskImport}) in the OpenAPI document.
 */
@Component
class TaskPortabilityApiDocumentation implements OpenApiCustomizer {

	static final String NDJSON = "application/x-ndjson";

	@Override
	public void customise(OpenAPI openApi) {
		ApiDocs docs = ApiDocs.of(openApi);
		Schema<?> header = docs.schemaOf(TaskExport.Header.class);
		Schema<?> task = docs.schemaOf(Task.class);
		Schema<?> line = type("object").oneOf(java.util.List.of(header, task));
		docs.add(HttpMethod.GET, "/api/me/export", new Operation().operationId("exportTasks")
			.summary("Export the caller's tasks")
			.description("Every task of the caller as NDJSON (one JSON object a line), streamed: first a header line "
					+ "(`format` `" + TaskExport.FORMAT + "`, `format_version` " + TaskExport.FORMAT_VERSION
					+ ", `user_id`, `exported_at`), then one task a line, every member as the API serves it "
					+ "(`version`, `created_at` and `updated_at` included), oldest first. "
					+ "`POST /api/me/import` reads it back.")
			.addTagsItem("account")
			.responses(new ApiResponses().addApiResponse("200",
					new ApiResponse()
						.description("The export, one JSON object a line; the schema is that of each line.")
						.content(new Content().addMediaType(NDJSON, new MediaType().schema(line)))
						.addHeaderObject(HttpHeaders.CONTENT_DISPOSITION,
								header("`attachment; filename=\"todo-export-<date>.ndjson\"`")))));
		docs.add(HttpMethod.POST, "/api/me/import", ApiDocs.addProblems(new Operation().operationId("importTasks")
			.summary("Import tasks from an export")
			.description("Creates, for the caller, a new task (new id) for every task line of an export (of this "
					+ "instance or another): title, description, priority, due_date, tags, completed and completed_at "
					+ "are kept; other members are ignored. All or nothing. The body is at most "
					+ TaskImport.MAX_SIZE.toMegabytes() + " MiB and the tasks must fit the `tasks` quota (409 "
					+ "otherwise). A line that is not valid is a 400 naming it in `line` (and its members in "
					+ "`errors`). With `Idempotency-Key`, a retry of the same body creates nothing and answers the "
					+ "first answer again, with `Idempotent-Replayed: true`.")
			.addTagsItem("account")
			.addParametersItem(ApiDocs.requestHeader("Idempotency-Key", "Makes a retry safe (1 to 255 visible ASCII).",
					ApiDocs.string()))
			.requestBody(new io.swagger.v3.oas.models.parameters.RequestBody().required(true)
				.content(new Content().addMediaType(NDJSON, new MediaType().schema(line))))
			.responses(new ApiResponses().addApiResponse("200",
					ApiDocs
						.json("How many tasks were created.",
								ApiDocs.object().addProperty("imported", ApiDocs.integer(0, null)))
						.addHeaderObject("Idempotent-Replayed", header("`true` on a replayed answer.")))),
				400, 409, 413, 415, 422));
	}

}
