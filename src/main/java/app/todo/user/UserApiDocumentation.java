package app.todo.user;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.springdoc.core.customizers.OpenApiCustomizer;

import app.todo.openapi.ApiDocs;

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
	}

}
