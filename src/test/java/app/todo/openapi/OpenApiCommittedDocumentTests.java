package app.todo.openapi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

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
			fail("docs/openapi.json differs from the document the API serves (- committed, + served, by JSON "
					+ "pointer). If the change of the contract is meant, rewrite it with:%n  %s%nand commit it.%n%s",
					REWRITE, diff(committed, live));
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
		return OpenApiContract.served(this.client);
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

	/**
	 * Where the two documents differ, one JSON pointer a line with both values, at most
	 * 40: clearer than a diff of lines, in which a moved route shifts everything after
	 * it.
	 */
	private static String diff(String committed, String served) {
		List<String> differences = new ArrayList<>();
		diff("", withoutVersion(committed), withoutVersion(served), differences);
		StringBuilder out = new StringBuilder();
		differences.stream().limit(40).forEach((difference) -> out.append(difference).append('\n'));
		if (differences.size() > 40) {
			out.append("... and ").append(differences.size() - 40).append(" more\n");
		}
		return out.toString();
	}

	private static void diff(String pointer, JsonNode committed, JsonNode served, List<String> differences) {
		if (committed.equals(served)) {
			return;
		}
		if (committed.isObject() && served.isObject()) {
			Set<String> names = new TreeSet<>(committed.propertyNames());
			names.addAll(served.propertyNames());
			for (String name : names) {
				String child = pointer + "/" + name.replace("~", "~0").replace("/", "~1");
				if (!served.has(name)) {
					differences.add("- " + child + ": " + brief(committed.get(name)));
				}
				else if (!committed.has(name)) {
					differences.add("+ " + child + ": " + brief(served.get(name)));
				}
				else {
					diff(child, committed.get(name), served.get(name), differences);
				}
			}
		}
		else if (committed.isArray() && served.isArray() && committed.size() == served.size()) {
			for (int i = 0; i < committed.size(); i++) {
				diff(pointer + "/" + i, committed.get(i), served.get(i), differences);
			}
		}
		else {
			differences.add("- " + pointer + ": " + brief(committed));
			differences.add("+ " + pointer + ": " + brief(served));
		}
	}

	private static String brief(JsonNode node) {
		String text = node.toString();
		return (text.length() > 160) ? text.substring(0, 157) + "..." : text;
	}

}
