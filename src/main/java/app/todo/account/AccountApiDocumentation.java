package app.todo.account;

import java.util.List;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.springdoc.core.customizers.OpenApiCustomizer;

import app.todo.openapi.ApiDocs;
import app.todo.user.User;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;

import static app.todo.openapi.ApiDocs.addProblems;
import static app.todo.openapi.ApiDocs.array;
import static app.todo.openapi.ApiDocs.json;
import static app.todo.openapi.ApiDocs.jsonBody;
import static app.todo.openapi.ApiDocs.object;
import static app.todo.openapi.ApiDocs.string;

/**
 * The routes of the built-in accounts in the OpenAPI document: sign-up and sign-in need
 * no token, and the JWKS is public.
 */
@Component
@ConditionalOnBooleanProperty(name = "todo.accounts.enabled", matchIfMissing = true)
class AccountApiDocumentation implements OpenApiCustomizer {

	private static final String TAG = "accounts";

	@Override
	public void customise(OpenAPI openApi) {
		ApiDocs docs = ApiDocs.of(openApi);
		Schema<?> signedIn = docs.define("SignedIn",
				object().addProperty("token", string().description("An EdDSA JWT for `Authorization: Bearer`."))
					.addProperty("user", docs.schemaOf(User.class))
					.required(List.of("token", "user")));
		Schema<?> signUp = docs.define("SignUp", object()
			.addProperty("email", string().maxLength(SignUp.MAX_EMAIL_LENGTH).description("Unique whatever its case."))
			.addProperty("password",
					string().minLength(SignUp.MIN_PASSWORD_LENGTH).maxLength(SignUp.MAX_PASSWORD_LENGTH))
			.addProperty("name", string().minLength(1).maxLength(SignUp.MAX_NAME_LENGTH))
			.required(List.of("email", "password", "name")));
		Schema<?> signIn = docs.define("SignIn",
				object().addProperty("email", string().maxLength(SignUp.MAX_EMAIL_LENGTH))
					.addProperty("password", string().maxLength(SignUp.MAX_PASSWORD_LENGTH))
					.required(List.of("email", "password")));
		docs.add(HttpMethod.POST, "/api/auth/sign-up",
				addProblems(
						operation("signUp", "Create an account").requestBody(jsonBody(signUp, true))
							.responses(new ApiResponses().addApiResponse("201",
									json("A token and the new user.", signedIn)
										.addHeaderObject(HttpHeaders.CACHE_CONTROL, ApiDocs.header("`no-store`.")))),
						400, 409, 413, 415, 422));
		docs.add(HttpMethod.POST, "/api/auth/sign-in", addProblems(
				operation("signIn", "Sign in").description("A wrong password and an unknown email get the same 401.")
					.requestBody(jsonBody(signIn, true))
					.responses(new ApiResponses().addApiResponse("200", json("A token and the user.", signedIn)
						.addHeaderObject(HttpHeaders.CACHE_CONTROL, ApiDocs.header("`no-store`.")))),
				400, 401, 413, 415, 422, 429));
		docs.add(HttpMethod.GET, "/.well-known/jwks.json",
				new Operation().operationId("getJwks")
					.summary("The public keys of the API's own tokens")
					.addTagsItem(TAG)
					.responses(new ApiResponses().addApiResponse("200", json("A JWK set (RFC 7517) of Ed25519 keys.",
							object().addProperty("keys", array(object())).required(List.of("keys"))))));
	}

	private static Operation operation(String id, String summary) {
		// No bearer token: these routes are how a caller gets one
		return new Operation().operationId(id).summary(summary).addTagsItem(TAG).security(List.of());
	}

}
