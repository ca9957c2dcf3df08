package app.todo.openapi;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import org.jspecify.annotations.Nullable;

import app.todo.web.ValidationException.FieldError;

import org.springframework.http.HttpMethod;

/**
 * The building blocks of the OpenAPI document ({@code /v3/api-docs}). Each feature
 * documents its routes next to its router, in an {@code OpenApiCustomizer} bean (see
 * {@code TaskApiDocumentation}): <pre>
 * ApiDocs docs = ApiDocs.of(openApi);
 * docs.add(HttpMethod.GET, "/api/me", new Operation().operationId("getMe").summary("The caller")
 *     .responses(new ApiResponses().addApiResponse("200", ApiDocs.json("The caller", docs.schemaOf(Me.class)))));
 * </pre> {@link #add} fills in what every route shares: under {@code /api/} the bearer
 * token and its {@code 401}, and {@code 503}; everywhere the rate limit's {@code 429}; a
 * {@code HEAD} for every {@code GET}; the path variables.
 */
public final class ApiDocs {

	/** The name of the bearer JWT security scheme. */
	public static final String BEARER = "bearer-jwt";

	public static final String JSON = "application/json";

	public static final String PROBLEM_JSON = "application/problem+json";

	/**
	 * The problem-details schema (RFC 9457), as {@code ProblemDetailsExceptionHandler}
	 * writes it.
	 */
	public static final String PROBLEM = "Problem";

	private static final Pattern PATH_VARIABLE = Pattern.compile("\\{([^}]+)}");

	/**
	 * Jackson 2 (which swagger-core introspects with) told the naming that Jackson 3
	 * serves.
	 */
	private static final ModelConverters converters = converters();

	private final OpenAPI openApi;

	private ApiDocs(OpenAPI openApi) {
		this.openApi = openApi;
		if (openApi.getComponents() == null) {
			openApi.setComponents(new Components());
		}
		if (openApi.getPaths() == null) {
			openApi.setPaths(new Paths());
		}
		if (!schemas().containsKey(PROBLEM)) {
			schemas().put(PROBLEM, problemSchema());
		}
	}

	public static ApiDocs of(OpenAPI openApi) {
		return new ApiDocs(openApi);
	}

	/**
	 * The schema of a type as Jackson serves it ({@code snake_case} members; for a
	 * record, every component is present and only {@code @Nullable} ones may be
	 * {@code null}), registered under {@code components/schemas}; returns a reference to
	 * it.
	 */
	public Schema<?> schemaOf(Class<?> type) {
		Map<String, Schema> resolved = converters.readAll(new AnnotatedType(type).resolveAsRef(true));
		resolved.forEach((name, schema) -> schemas().putIfAbsent(name, schema));
		describeRecord(type);
		return ref(type.getSimpleName());
	}

	/**
	 * Registers a hand-written schema under {@code components/schemas}; returns a
	 * reference to it.
	 */
	public Schema<?> define(String name, Schema<?> schema) {
		schemas().putIfAbsent(name, schema);
		return ref(name);
	}

	/**
	 * Documents a route. Under {@code /api/}, unless the operation says otherwise with
	 * {@code security(List.of())}, it needs the bearer token (adds the {@code 401}) and
	 * may meet {@code 503}; everywhere adds {@code 429}, the {@code HEAD} of a
	 * {@code GET}, and declares the path variables the operation left out as strings.
	 */
	public ApiDocs add(HttpMethod method, String path, Operation operation) {
		if (path.startsWith("/api/")) {
			if (operation.getSecurity() == null) {
				operation.addSecurityItem(new SecurityRequirement().addList(BEARER));
				addProblems(operation, 401);
			}
			addProblems(operation, 503);
		}
		addProblems(operation, 429);
		Matcher variables = PATH_VARIABLE.matcher(path);
		while (variables.find()) {
			String name = variables.group(1);
			if (operation.getParameters() == null || operation.getParameters()
				.stream()
				.noneMatch((parameter) -> "path".equals(parameter.getIn()) && name.equals(parameter.getName()))) {
				operation.addParametersItem(new Parameter().in("path").name(name).required(true).schema(string()));
			}
		}
		// Responses in the order of their statuses, however they were added
		ApiResponses responses = new ApiResponses();
		responses.putAll(new TreeMap<>(operation.getResponses()));
		operation.setResponses(responses);
		put(path, method, operation);
		if (HttpMethod.GET.equals(method)) {
			put(path, HttpMethod.HEAD, head(operation));
		}
		return this;
	}

	/**
	 * Documents a route of both path forms: {@code /api/tasks...} and
	 * {@code /api/{user_id}/tasks...} (the latter with {@code ForUser} after the
	 * operation id, and its {@code 403}).
	 * @param path the path under {@code /api}, such as {@code /tasks/{id}}
	 */
	public ApiDocs addForBothPathForms(HttpMethod method, String path, Operation operation) {
		Operation forUser = copy(operation).operationId(operation.getOperationId() + "ForUser");
		forUser.setTags((operation.getTags() != null)
				? operation.getTags().stream().map((tag) -> tag + " (user path)").toList() : null);
		List<Parameter> parameters = new ArrayList<>();
		parameters.add(new Parameter().in("path")
			.name("user_id")
			.required(true)
			.description("The caller's user id (the token's `sub`); any other is a 403.")
			.schema(string()));
		if (operation.getParameters() != null) {
			parameters.addAll(operation.getParameters());
		}
		forUser.setParameters(parameters);
		addProblems(forUser, 403);
		add(method, "/api" + path, operation);
		return add(method, "/api/{user_id}" + path, forUser);
	}

	/**
	 * Adds the problem responses of these statuses, each with its usual description and
	 * headers.
	 */
	public static Operation addProblems(Operation operation, int... statuses) {
		if (operation.getResponses() == null) {
			operation.setResponses(new ApiResponses());
		}
		for (int status : statuses) {
			operation.getResponses().putIfAbsent(Integer.toString(status), problem(status));
		}
		return operation;
	}

	/**
	 * A problem-details response with the usual description and headers of its status.
	 */
	public static ApiResponse problem(int status) {
		ApiResponse response = problem(switch (status) {
			case 400 -> "A malformed request: a body that is not a JSON object, or a query parameter with an unknown"
					+ " value (named in `parameter`).";
			case 401 -> "No bearer token, or one that is malformed, badly signed, expired or of an unknown key.";
			case 403 -> "The `{user_id}` of the path is not the caller.";
			case 404 -> "Nothing is found here: no such route, or a task that is missing or someone else's.";
			case 405 -> "The route does not have this method; `Allow` lists those it has.";
			case 409 -> "A request with the same `Idempotency-Key` is still being answered; retry shortly.";
			case 410 -> "`updated_since` is older than deletions are kept: sync again from `updated_since=*`.";
			case 412 -> "`If-Match` names a version that is no longer current; nothing was changed.";
			case 413 -> "The body is larger than 64 KiB.";
			case 415 -> "The body is not of a media type the route reads.";
			case 422 -> "Members that break the rules, one entry per member in `errors`.";
			case 429 -> "Too many requests; retry after `Retry-After` seconds.";
			case 503 -> "The database is briefly unreachable; retry after `Retry-After` seconds.";
			default -> "A problem.";
		});
		switch (status) {
			case 401 -> response.addHeaderObject("WWW-Authenticate",
					header("`Bearer`, with `error=\"invalid_token\"` when a token was sent."));
			case 405 -> response.addHeaderObject("Allow", header("The methods of the route."));
			case 429 ->
				response.addHeaderObject("Retry-After", header("Seconds to wait before retrying.", integer(0, null)))
					.addHeaderObject("RateLimit",
							header("The bucket's remaining requests and seconds to its reset (IETF draft)."))
					.addHeaderObject("RateLimit-Policy", header("The bucket's quota and window (IETF draft)."));
			case 503 ->
				response.addHeaderObject("Retry-After", header("Seconds to wait before retrying.", integer(0, null)));
			default -> {
			}
		}
		return response;
	}

	/** A problem-details response ({@code application/problem+json}). */
	private static ApiResponse problem(String description) {
		return new ApiResponse().description(description)
			.content(new Content().addMediaType(PROBLEM_JSON, new MediaType().schema(ref(PROBLEM))));
	}

	/** A JSON response. */
	public static ApiResponse json(String description, Schema<?> schema) {
		return new ApiResponse().description(description)
			.content(new Content().addMediaType(JSON, new MediaType().schema(schema)));
	}

	/**
	 * A JSON request body, readable as each of the media types (default
	 * {@code application/json}).
	 */
	public static RequestBody jsonBody(Schema<?> schema, boolean required, String... mediaTypes) {
		Content content = new Content();
		for (String mediaType : (mediaTypes.length > 0) ? mediaTypes : new String[] { JSON }) {
			content.addMediaType(mediaType, new MediaType().schema(schema));
		}
		return new RequestBody().required(required).content(content);
	}

	public static Parameter query(String name, String description, Schema<?> schema) {
		return new Parameter().in("query").name(name).description(description).schema(schema);
	}

	public static Parameter requestHeader(String name, String description, Schema<?> schema) {
		return new Parameter().in("header").name(name).description(description).schema(schema);
	}

	public static Header header(String description) {
		return header(description, string());
	}

	public static Header header(String description, Schema<?> schema) {
		return new Header().description(description).schema(schema);
	}

	public static Schema<?> ref(String name) {
		return new JsonSchema().$ref("#/components/schemas/" + name);
	}

	public static Schema<Object> string() {
		return type("string");
	}

	public static Schema<Object> bool() {
		return type("boolean");
	}

	public static Schema<Object> integer(@Nullable Number minimum, @Nullable Number maximum) {
		Schema<Object> schema = type("integer").format("int64");
		if (minimum != null) {
			schema.setMinimum(new java.math.BigDecimal(minimum.toString()));
		}
		if (maximum != null) {
			schema.setMaximum(new java.math.BigDecimal(maximum.toString()));
		}
		return schema;
	}

	public static Schema<Object> enumOf(List<String> values) {
		Schema<Object> schema = new JsonSchema();
		schema.types(Set.of("string"));
		values.forEach(schema::addEnumItemObject);
		return schema;
	}

	public static Schema<Object> array(Schema<?> items) {
		Schema<Object> array = type("array");
		array.setItems(items);
		return array;
	}

	public static Schema<Object> object() {
		return type("object");
	}

	public static Schema<Object> type(String... types) {
		Schema<Object> schema = new JsonSchema();
		schema.setTypes(new java.util.LinkedHashSet<>(Arrays.asList(types)));
		return schema;
	}

	private Map<String, Schema> schemas() {
		if (this.openApi.getComponents().getSchemas() == null) {
			this.openApi.getComponents().setSchemas(new LinkedHashMap<>());
		}
		return this.openApi.getComponents().getSchemas();
	}

	private void put(String path, HttpMethod method, Operation operation) {
		PathItem item = this.openApi.getPaths().computeIfAbsent(path, (key) -> new PathItem());
		PathItem.HttpMethod itemMethod = PathItem.HttpMethod.valueOf(method.name());
		if (item.readOperationsMap().containsKey(itemMethod)) {
			throw new IllegalStateException(method + " " + path + " is documented twice");
		}
		item.operation(itemMethod, operation);
		// Customizers run in no particular order: keep the paths sorted
		Paths sorted = new Paths();
		sorted.putAll(new TreeMap<>(this.openApi.getPaths()));
		this.openApi.setPaths(sorted);
	}

	/**
	 * Every component of a record is served; only the {@code @Nullable} ones may be null.
	 */
	private void describeRecord(Class<?> type) {
		Schema<?> schema = schemas().get(type.getSimpleName());
		if (!type.isRecord() || schema == null || schema.getProperties() == null) {
			return;
		}
		List<String> required = new ArrayList<>();
		for (RecordComponent component : type.getRecordComponents()) {
			String member = PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(component.getName());
			Schema<?> property = schema.getProperties().get(member);
			if (property == null) {
				continue;
			}
			required.add(member);
			if (component.getAnnotatedType().isAnnotationPresent(Nullable.class)) {
				schema.getProperties().put(member, nullable(property));
			}
			Class<?> nested = recordIn(component.getGenericType());
			if (nested != null && nested != type) {
				describeRecord(nested);
			}
		}
		schema.setRequired(required);
	}

	private static @Nullable Class<?> recordIn(Type type) {
		if (type instanceof Class<?> cls && cls.isRecord()) {
			return cls;
		}
		if (type instanceof ParameterizedType parameterized) {
			for (Type argument : parameterized.getActualTypeArguments()) {
				Class<?> found = recordIn(argument);
				if (found != null) {
					return found;
				}
			}
		}
		return null;
	}

	private static Schema<?> nullable(Schema<?> property) {
		if (property.get$ref() != null) {
			return new JsonSchema().oneOf(List.of(property, type("null")));
		}
		property.addType("null");
		if (property.getEnum() != null) {
			((Schema<Object>) property).addEnumItemObject(null);
		}
		return property;
	}

	private static Operation head(Operation get) {
		Operation head = copy(get).operationId(get.getOperationId() + "Head")
			.summary((get.getSummary() != null) ? get.getSummary() + " (headers only)" : null);
		ApiResponses responses = new ApiResponses();
		get.getResponses()
			.forEach((status, response) -> responses.addApiResponse(status,
					new ApiResponse().description(response.getDescription()).headers(response.getHeaders())));
		return head.responses(responses);
	}

	private static Operation copy(Operation operation) {
		ApiResponses responses = new ApiResponses();
		if (operation.getResponses() != null) {
			responses.putAll(operation.getResponses());
		}
		return new Operation().operationId(operation.getOperationId())
			.summary(operation.getSummary())
			.description(operation.getDescription())
			.tags((operation.getTags() != null) ? new ArrayList<>(operation.getTags()) : null)
			.parameters((operation.getParameters() != null) ? new ArrayList<>(operation.getParameters()) : null)
			.requestBody(operation.getRequestBody())
			.responses(responses)
			.security(operation.getSecurity());
	}

	private Schema<?> problemSchema() {
		Schema<?> fieldError = schemaOf(FieldError.class);
		return object().description("A problem (RFC 9457). More members may follow.")
			.addProperty("type", string().description("`about:blank` unless the problem has a type of its own."))
			.addProperty("title", string())
			.addProperty("status", integer(100, 599))
			.addProperty("detail", string().description("What went wrong, for a person."))
			.addProperty("instance", string().description("The path of the request."))
			.addProperty("errors", array(fieldError).description("The invalid members (422)."))
			.addProperty("parameter", string().description("The invalid query parameter (400)."))
			.required(List.of("type", "title", "status", "detail", "instance"));
	}

	private static ModelConverters converters() {
		ModelConverters converters = new ModelConverters(true);
		converters.addConverter(
				new ModelResolver(Json31.mapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE))
					.openapi31(true));
		return converters;
	}

}
