package app.todo.account;

import java.util.List;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;

import app.todo.openapi.ApiDocs;
import app.todo.security.TokenRevocations;
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
 * no token, refresh and sign-out take the refresh cookie, the password change the bearer
 * token, and the JWKS is public.
 */
@Component
@ConditionalOnBooleanProperty(name = "todo.accounts.enabled", matchIfMissing = true)
class AccountApiDocumentation implements OpenApiCustomizer {

	private static final String TAG = "accounts";

	private static final String REFRESH_COOKIE = "refresh-cookie";

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
		Schema<?> passwordChange = docs.define("PasswordChange",
				object().addProperty("current_password", string().maxLength(SignUp.MAX_PASSWORD_LENGTH))
					.addProperty("new_password",
							string().minLength(SignUp.MIN_PASSWORD_LENGTH).maxLength(SignUp.MAX_PASSWORD_LENGTH))
					.required(List.of("current_password", "new_password")));
		openApi.getComponents()
			.addSecuritySchemes(REFRESH_COOKIE,
					new SecurityScheme().type(SecurityScheme.Type.APIKEY)
						.in(SecurityScheme.In.COOKIE)
						.name(RefreshCookie.NAME)
						.description("The refresh token that sign-up, sign-in, refresh and the password change set: "
								+ "`HttpOnly; Secure; SameSite=Strict; Path=" + RefreshCookie.PATH + "`."));
		docs.add(HttpMethod.POST, "/api/auth/sign-up",
				addProblems(operation("signUp", "Create an account").requestBody(jsonBody(signUp, true))
					.responses(
							new ApiResponses().addApiResponse("201", session("A token and the new user.", signedIn))),
						400, 409, 413, 415, 422));
		docs.add(HttpMethod.POST, "/api/auth/sign-in", addProblems(
				operation("signIn", "Sign in").description("A wrong password and an unknown email get the same 401.")
					.requestBody(jsonBody(signIn, true))
					.responses(new ApiResponses().addApiResponse("200", session("A token and the user.", signedIn))),
				400, 401, 413, 415, 422, 429));
		docs.add(HttpMethod.POST, "/api/auth/refresh", cookieOperation("refresh", "New tokens for the refresh cookie")
			.description("Answers a new access token, as sign-in does, and replaces the refresh cookie with the next "
					+ "token of its session; the cookie's token is used up. A token that was used up already ends "
					+ "its whole session (every token descended from its sign-in), as one of its copies was stolen.")
			.responses(new ApiResponses().addApiResponse("200", session("A new token and the user.", signedIn))
				.addApiResponse("401", ApiDocs.problem(401)
					.description(
							"No refresh cookie, or one that is unknown, expired, revoked or used up; the cookie is "
									+ "cleared.")
					.headers(null)
					.addHeaderObject(HttpHeaders.SET_COOKIE, ApiDocs.header("The cleared cookie.")))
				.addApiResponse("403", missingCsrfHeader())));
		docs.add(HttpMethod.POST, "/api/auth/sign-out", cookieOperation("signOut", "Sign out")
			.description("Ends the refresh cookie's session (its refresh tokens; access tokens already handed out "
					+ "last until they expire) and clears the cookie: a 204 whether or not the cookie was still good.")
			.responses(new ApiResponses()
				.addApiResponse("204",
						new ApiResponse().description("Signed out.")
							.addHeaderObject(HttpHeaders.SET_COOKIE, ApiDocs.header("The cleared cookie.")))
				.addApiResponse("403", missingCsrfHeader())));
		docs.add(HttpMethod.POST, "/api/me/password", addProblems(new Operation().operationId("changePassword")
			.summary("Change the password")
			.description("Checks the current password (a wrong one counts as a failed sign-in), stores the new one, "
					+ "refuses every access and refresh token of the caller issued before (on every replica within "
					+ TokenRevocations.READ_EVERY.toSeconds() + " s), and answers a new session, as sign-in does.")
			.addTagsItem(TAG)
			.requestBody(jsonBody(passwordChange, true))
			.responses(new ApiResponses().addApiResponse("200", session("A new token and the user.", signedIn))
				.addApiResponse("403", ApiDocs.problem(403)
					.description("The current password is wrong, or the account has no password here (a Better Auth "
							+ "user)."))
				.addApiResponse("409",
						ApiDocs.problem(409).description("Another password change came first; nothing was changed."))),
				400, 413, 415, 422));
		docs.add(HttpMethod.GET, "/.well-known/jwks.json",
				new Operation().operationId("getJwks")
					.summary("The public keys of the API's own tokens")
					.addTagsItem(TAG)
					.responses(new ApiResponses().addApiResponse("200", json("A JWK set (RFC 7517) of Ed25519 keys.",
							object().addProperty("keys", array(object())).required(List.of("keys"))))));
	}

	/** An answer that starts or continues a session: the body and the cookie. */
	private static ApiResponse session(String description, Schema<?> signedIn) {
		return json(description, signedIn).addHeaderObject(HttpHeaders.CACHE_CONTROL, ApiDocs.header("`no-store`."))
			.addHeaderObject(HttpHeaders.SET_COOKIE, ApiDocs.header("The refresh cookie: `" + RefreshCookie.NAME
					+ "=...; Max-Age=...; Path=" + RefreshCookie.PATH + "; Secure; HttpOnly; SameSite=Strict`."));
	}

	/**
	 * A route of the refresh cookie, with the header that a page of another site cannot
	 * send.
	 */
	private static Operation cookieOperation(String id, String summary) {
		return new Operation().operationId(id)
			.summary(summary)
			.addTagsItem(TAG)
			.security(List.of(new SecurityRequirement().addList(REFRESH_COOKIE)))
			.addParametersItem(ApiDocs
				.requestHeader(RefreshCookie.CSRF_HEADER,
						"Required, any value (such as `fetch`): a page of another site cannot send it.", string())
				.required(true));
	}

	private static ApiResponse missingCsrfHeader() {
		return ApiDocs.problem(403).description("The request lacks `" + RefreshCookie.CSRF_HEADER + "`.");
	}

	private static Operation operation(String id, String summary) {
		// No bearer token: these routes are how a caller gets one
		return new Operation().operationId(id).summary(summary).addTagsItem(TAG).security(List.of());
	}

}
