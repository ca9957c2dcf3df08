package app.todo.openapi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.server.PathContainer;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Checks real responses against the OpenAPI document: the status is one the operation
 * documents, the media type one of the response's, the body valid against its schema
 * (JSON Schema 2020-12 in the OpenAPI 3.1 dialect, formats asserted), the required
 * headers present.
 */
final class OpenApiContract {

	private static final String DOCUMENT = "https://todo.invalid/v3/api-docs";

	private static final JsonMapper json = JsonMapper.builder().build();

	private final JsonNode document;

	private final SchemaRegistry schemas;

	OpenApiContract(byte[] document) {
		this.document = json.readTree(document);
		String text = new String(document, java.nio.charset.StandardCharsets.UTF_8);
		this.schemas = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi31(),
				(builder) -> builder.schemas(Map.of(DOCUMENT, text))
					.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
	}

	/** A client that reads the whole document (larger than the API's 64 KiB bodies). */
	static WebTestClient documentClient(WebTestClient client) {
		return client.mutate().codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(4 * 1024 * 1024)).build();
	}

	/** The document as the running API serves it. */
	static byte[] served(WebTestClient client) {
		return documentClient(client).get()
			.uri("/v3/api-docs")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody();
	}

	/** What is wrong with the response for the document; empty when it matches. */
	List<String> violations(EntityExchangeResult<byte[]> result) {
		return violations(result.getMethod(), result.getUrl().getRawPath(), result.getStatus().value(),
				result.getResponseHeaders(), result.getResponseBody());
	}

	List<String> violations(HttpMethod method, String path, int status, HttpHeaders headers, byte[] body) {
		List<String> violations = new ArrayList<>();
		String where = method + " " + path + " answering " + status;
		Optional<String> template = template(path);
		if (template.isEmpty()) {
			return List.of(where + ": no path of the document matches " + path + ". " + OpenApiDocumentTests.WHERE);
		}
		String operationPointer = "/paths/" + escape(template.get()) + "/" + method.name().toLowerCase();
		JsonNode operation = this.document.at(operationPointer);
		if (operation.isMissingNode()) {
			return List.of(where + ": the document has no " + method + " " + template.get() + ". "
					+ OpenApiDocumentTests.WHERE);
		}
		String statusKey = operation.path("responses").has(Integer.toString(status)) ? Integer.toString(status)
				: "default";
		JsonNode response = operation.path("responses").path(statusKey);
		if (response.isMissingNode()) {
			return List.of(where + ": status " + status + " is not documented for " + method + " " + template.get()
					+ "; add it to the operation's responses (ApiDocs.addProblems(operation, " + status
					+ ") for a problem)");
		}
		response.path("headers").properties().forEach((header) -> {
			if (header.getValue().path("required").asBoolean(false) && !headers.containsHeader(header.getKey())) {
				violations.add(where + ": the required header " + header.getKey() + " is missing");
			}
		});
		boolean hasBody = body != null && body.length > 0 && method != HttpMethod.HEAD;
		if (!hasBody) {
			return violations;
		}
		MediaType contentType = headers.getContentType();
		if (contentType == null) {
			violations.add(where + ": a body without Content-Type");
			return violations;
		}
		String mediaType = contentType.getType() + "/" + contentType.getSubtype();
		if (!response.path("content").has(mediaType)) {
			violations.add(where + ": Content-Type " + mediaType + " is not one of the documented "
					+ response.path("content").propertyNames());
			return violations;
		}
		String schemaPointer = operationPointer + "/responses/" + statusKey + "/content/" + escape(mediaType)
				+ "/schema";
		Schema schema = this.schemas.getSchema(SchemaLocation.of(DOCUMENT + "#" + schemaPointer));
		for (Error error : schema.validate(json.readTree(body))) {
			violations.add(where + ": " + error.getInstanceLocation() + " " + error.getMessage());
		}
		return violations;
	}

	/** The document's path template for a concrete path, the most specific one first. */
	private Optional<String> template(String path) {
		PathPatternParser parser = new PathPatternParser();
		return this.document.path("paths")
			.propertyNames()
			.stream()
			.map(parser::parse)
			.filter((pattern) -> pattern.matches(PathContainer.parsePath(path)))
			.sorted(PathPattern.SPECIFICITY_COMPARATOR)
			.map(PathPattern::getPatternString)
			.findFirst();
	}

	private static String escape(String token) {
		return token.replace("~", "~0").replace("/", "~1");
	}

}
