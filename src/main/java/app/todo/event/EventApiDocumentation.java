package app.todo.event;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.springdoc.core.customizers.OpenApiCustomizer;

import app.todo.openapi.ApiDocs;

import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;

import static app.todo.openapi.ApiDocs.addProblems;
import static app.todo.openapi.ApiDocs.integer;
import static app.todo.openapi.ApiDocs.json;
import static app.todo.openapi.ApiDocs.object;
import static app.todo.openapi.ApiDocs.query;
import static app.todo.openapi.ApiDocs.requestHeader;
import static app.todo.openapi.ApiDocs.string;

/**
 * The routes of {@link EventRouter} in the OpenAPI document.
 */
@Component
class EventApiDocumentation implements OpenApiCustomizer {

	private static final String TAG = "events";

	@Override
	public void customise(OpenAPI openApi) {
		ApiDocs docs = ApiDocs.of(openApi);
		docs.add(HttpMethod.GET, EventRouter.EVENTS, addProblems(new Operation().operationId("streamEvents")
			.summary("The caller's task changes, live")
			.description("Server-Sent Events (`text/event-stream`), the caller's own changes only, made through any "
					+ "instance: `event: task.created`, `task.updated` or `task.deleted`; `data:` the task as the API "
					+ "returns it, or for a deletion `{\"id\", \"deleted\": true, \"updated_at\"}`; `id:` a sync token, "
					+ "so that `Last-Event-ID` (sent by `EventSource` when it reconnects) or `updated_since` resumes "
					+ "with nothing missed. The first event may be an `id:` alone, where the stream starts. A comment "
					+ "line comes at least every 15 seconds. The stream ends when the token behind it expires, and when "
					+ "the instance stops: reconnect, from the last id. Apply changes by `id`, keeping the highest "
					+ "`version`; a change may come twice. Authenticate with the bearer token, or (`EventSource`, "
					+ "which sends no headers) with `?ticket=` from `POST /api/events/ticket`.")
			.addTagsItem(TAG)
			.addParametersItem(query(EventHandler.TICKET,
					"A one-time ticket from `POST /api/events/ticket`, instead of "
							+ "the bearer token; a used or expired one is a 401.",
					string()))
			.addParametersItem(query(EventHandler.UPDATED_SINCE,
					"Resume from the `Sync-Token` of a delta sync (or an "
							+ "event id): changes since then come first.",
					string()))
			.addParametersItem(requestHeader(EventHandler.LAST_EVENT_ID,
					"Resume from this event id (over " + "`updated_since`).", string()))
			.responses(new ApiResponses().addApiResponse("200",
					new ApiResponse().description("The stream of events.")
						.content(new Content().addMediaType("text/event-stream", new MediaType().schema(string()))))),
				400, 410));
		docs.add(HttpMethod.POST, EventRouter.TICKET, new Operation().operationId("createEventTicket")
			.summary("A one-time ticket to open the event stream")
			.description("For `EventSource`, which cannot send an `Authorization` header: "
					+ "`new EventSource('/api/events?ticket=' + ticket)` within `expires_in` seconds. The ticket opens "
					+ "one stream, of the caller, that ends when this request's token expires.")
			.addTagsItem(TAG)
			.responses(new ApiResponses().addApiResponse("200",
					json("The ticket.",
							docs.define("EventTicket",
									object().addProperty("ticket", string())
										.addProperty("expires_in", integer(1, null))
										.required(java.util.List.of("ticket", "expires_in")))))));
	}

}
