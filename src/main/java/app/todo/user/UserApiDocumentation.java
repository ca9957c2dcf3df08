package app.todo.user;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.springdoc.core.customizers.OpenApiCustomizer;

import app.todo.openapi.ApiDocs;
import app.todo.security.TokenRevocations;

import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;

/**
 * {@code GET /api/me} of {@link UserRouter} in the OpenAPI document.
 */
@Component
class UserApiDocumentation implements OpenApiCustomizer {

	@Override
	public void customise(OpenAPI openApi) {
		ApiDocs docs = ApiDocs.of(openApi);
		docs.add(HttpMethod.GET, "/api/me", new Operation().operationId("getMe")
			.summary("The caller")
			.description("From the token's claims, else the users row; `null` members when nothing knows them.")
			.addTagsItem("users")
			.responses(
					new ApiResponses().addApiResponse("200", ApiDocs.json("The caller.", docs.schemaOf(User.class)))));
		docs.add(HttpMethod.DELETE, "/api/me", new Operation().operationId("deleteMe")
			.summary("Delete the caller's account")
			.description("Deletes, in one transaction, the caller's tasks, deleted-task records, idempotency keys, "
					+ "profile and built-in credentials, and refuses every token issued before it (on every replica "
					+ "within " + TokenRevocations.READ_EVERY.toSeconds() + " s). A Better Auth user who signs in "
					+ "again later starts with nothing.")
			.addTagsItem("account")
			.responses(new ApiResponses().addApiResponse("204", new ApiResponse().description("Deleted."))));
		docs.add(HttpMethod.POST, "/api/me/sign-out-everywhere", new Operation().operationId("signOutEverywhere")
			.summary("Sign out everywhere")
			.description("Refuses every token of the caller issued before the next whole second (on every replica "
					+ "within " + TokenRevocations.READ_EVERY.toSeconds() + " s); tokens issued after work.")
			.addTagsItem("account")
			.responses(new ApiResponses().addApiResponse("204", new ApiResponse().description("Signed out."))));
	}

}
