package app.todo.openapi;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import app.todo.ApiTestSupport;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.RouterFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document and the router functions agree: every route is documented, and
 * every documented operation is served.
 */
class OpenApiDocumentTests extends ApiTestSupport {

	static final String WHERE = "Document a route next to its router, in the feature's OpenApiCustomizer bean, with "
			+ "app.todo.openapi.ApiDocs: addForBothPathForms(method, \"/tasks/...\", operation) for a task route "
			+ "(both /api/tasks... and /api/{user_id}/tasks...), add(method, path, operation) otherwise; "
			+ "app.todo.task.TaskApiDocumentation is the example.";

	private static final Pattern PATH_VARIABLE = Pattern.compile("\\{([^}]+)}");

	@Autowired
	private List<RouterFunction<?>> routerFunctions;

	@Test
	void everyRouteOfTheRouterFunctionsIsDocumented() {
		RouteCollector collector = RouteCollector.of(this.routerFunctions);
		assertThat(collector.unknown())
			.as("Parts of router functions that RouteCollector cannot read; "
					+ "teach it to, so that their routes are checked")
			.isEmpty();
		Set<String> missing = new TreeSet<>(collector.routes());
		missing.removeAll(documentedOperations());
		assertThat(missing).as("Routes that are served but missing from the OpenAPI document. " + WHERE).isEmpty();
	}

	@Test
	void everyDocumentedOperationIsARouteOfTheRouterFunctions() {
		Set<String> unserved = documentedOperations();
		unserved.removeAll(RouteCollector.of(this.routerFunctions).routes());
		assertThat(unserved)
			.as("Operations of the OpenAPI document that no router function has: correct or remove "
					+ "them where they are documented (an OpenApiCustomizer bean using app.todo.openapi.ApiDocs)")
			.isEmpty();
	}

	@Test
	void everyDocumentedOperationAnswersWithoutA404Or405() {
		for (String operation : documentedOperations()) {
			// A user each, as some operations end what the token can do (DELETE /api/me)
			String user = newUser();
			WebTestClient client = as(user);
			HttpMethod method = HttpMethod.valueOf(operation.substring(0, operation.indexOf(' ')));
			String path = concrete(operation.substring(operation.indexOf(' ') + 1), user, client);
			WebTestClient.RequestBodySpec request = client.method(method).uri(path);
			WebTestClient.RequestHeadersSpec<?> withBody = (method == HttpMethod.POST || method == HttpMethod.PUT
					|| method == HttpMethod.PATCH) ? request.contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
							: request;
			int status = withBody.exchange().returnResult(byte[].class).getStatus().value();
			assertThat(status)
				.as(operation + " (as " + method + " " + path + ") answers " + status
						+ ": the document has an operation that is not served")
				.isNotIn(404, 405);
		}
	}

	@Test
	void documentIsOpenApi31AndPublic() {
		JsonNode document = document();
		assertThat(document.path("openapi").asString()).startsWith("3.1.");
		assertThat(document.at("/info/title").asString()).isEqualTo("Todo API");
		assertThat(document.at("/info/version").asString()).isNotBlank();
		assertThat(document.at("/components/securitySchemes/" + ApiDocs.BEARER + "/scheme").asString())
			.isEqualTo("bearer");
		assertThat(document.at("/paths/~1api~1tasks/get/security/0").has(ApiDocs.BEARER)).isTrue();
		assertThat(document.at("/components/schemas/Task/properties").propertyNames()).containsExactly("id", "user_id",
				"title", "description", "completed", "priority", "due_date", "tags", "created_at", "updated_at",
				"completed_at", "version");
	}

	/** Every documented operation as {@code "GET /api/tasks/{id}"}. */
	private Set<String> documentedOperations() {
		Set<String> operations = new TreeSet<>();
		document().path("paths")
			.properties()
			.forEach((path) -> path.getValue()
				.propertyNames()
				.stream()
				.filter((name) -> Set.of("get", "head", "post", "put", "patch", "delete", "options", "trace")
					.contains(name))
				.forEach((method) -> operations.add(method.toUpperCase() + " " + path.getKey())));
		return operations;
	}

	private JsonNode document() {
		byte[] body = OpenApiContract.served(this.client);
		return JsonMapper.builder().build().readTree(body);
	}

	/** A path of the pattern that names existing things: the caller, a task of theirs. */
	private static String concrete(String pattern, String user, WebTestClient client) {
		Map<String, String> values = Map.of("user_id", user);
		Matcher matcher = PATH_VARIABLE.matcher(pattern);
		StringBuilder path = new StringBuilder();
		while (matcher.find()) {
			String name = matcher.group(1);
			String value = "id".equals(name) ? Long.toString(newTask(client)) : values.get(name);
			assertThat(value)
				.as("No sample value for {" + name + "} of " + pattern + ": add one in OpenApiDocumentTests.concrete")
				.isNotNull();
			matcher.appendReplacement(path, value);
		}
		return matcher.appendTail(path).toString();
	}

	private static long newTask(WebTestClient client) {
		return client.post()
			.uri("/api/tasks")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"Documented\"}")
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody()
			.path("id")
			.asLong();
	}

}
