package app.todo.openapi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import app.todo.ApiTestSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The OpenAPI document committed in {@code docs/openapi.json} is the one the running API
 * serves, so that a client can be generated without running it; a change of the contract
 * fails here until the document is rewritten with {@value #REWRITE}.
 */
class OpenApiCommittedDocumentTests extends ApiTestSupport {

	static final Path COMMITTED = Path.of("docs", "openapi.json");

	static final String REWRITE = "./mvnw -q test -Dtest=OpenApiCommittedDocumentTests -Dopenapi.write=true";

	private static final JsonMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	@Test
	void committedDocumentIsTheOneTheApiServes() throws IOException {
		String live = canonical(liveDocument());
		if (Boolean.getBoolean("openapi.write")) {
			Files.writeString(COMMITTED, live, StandardCharsets.UTF_8);
			return;
		}
		assertThat(COMMITTED).as("The committed OpenAPI document; write it with: " + REWRITE).exists();
		String committed = Files.readString(COMMITTED, StandardCharsets.UTF_8);
		if (!withoutVersion(committed).equals(withoutVersion(live))) {
			fail("docs/openapi.json differs from the document the API serves (%s). If the change of the contract "
					+ "is meant, rewrite it with:%n  %s%nand commit it.%n%s", "- committed, + served", REWRITE,
					diff(committed, live));
		}
	}

	@Test
	void canonicalFormIsStableAndSorted() {
		JsonNode document = json.readTree(liveDocument());
		String once = canonical(json.writeValueAsBytes(document));
		assertThat(canonical(once.getBytes(StandardCharsets.UTF_8))).isEqualTo(once);
		List<String> schemas = new ArrayList<>(json.readTree(once).at("/components/schemas").propertyNames());
		assertThat(schemas).isSorted().contains("Task", "TaskChange");
		assertThat(once).endsWith("}\n");
	}

	private byte[] liveDocument() {
		return OpenApiContract.documentClient(this.client)
			.get()
			.uri("/v3/api-docs")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody();
	}

	/** The build's version is not the contract: a release needs no rewrite. */
	private static JsonNode withoutVersion(String document) {
		ObjectNode root = (ObjectNode) json.readTree(document);
		if (root.get("info") instanceof ObjectNode info) {
			info.remove("version");
		}
		return root;
	}

	/**
	 * Pretty-printed, the maps whose order depends on start-up (paths, schemas) sorted by
	 * name.
	 */
	static String canonical(byte[] document) {
		ObjectNode root = (ObjectNode) json.readTree(document);
		for (String pointer : List.of("/paths", "/components/schemas", "/components/securitySchemes")) {
			if (root.at(pointer) instanceof ObjectNode map) {
				Map<String, JsonNode> sorted = new TreeMap<>();
				map.properties().forEach((entry) -> sorted.put(entry.getKey(), entry.getValue()));
				map.removeAll();
				sorted.forEach(map::set);
			}
		}
		return json.writeValueAsString(root).replace("\r\n", "\n") + "\n";
	}

	/** The lines that differ, each with its line number; at most 40. */
	private static String diff(String committed, String served) {
		List<String> a = committed.lines().toList();
		List<String> b = served.lines().toList();
		int start = 0;
		while (start < a.size() && start < b.size() && a.get(start).equals(b.get(start))) {
			start++;
		}
		int endA = a.size();
		int endB = b.size();
		while (endA > start && endB > start && a.get(endA - 1).equals(b.get(endB - 1))) {
			endA--;
			endB--;
		}
		StringBuilder out = new StringBuilder("@@ line " + (start + 1) + " @@\n");
		int shown = 0;
		for (int i = start; i < endA && shown < 20; i++, shown++) {
			out.append("- ").append(a.get(i)).append('\n');
		}
		shown = 0;
		for (int i = start; i < endB && shown < 20; i++, shown++) {
			out.append("+ ").append(b.get(i)).append('\n');
		}
		if (endA - start > 20 || endB - start > 20) {
			out.append("... (")
				.append(endA - start)
				.append(" lines committed, ")
				.append(endB - start)
				.append(" served, in this span)\n");
		}
		return out.toString();
	}

}
