package app.todo.task;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import app.todo.task.TaskChanges.Member;
import app.todo.web.ValidationException;
import app.todo.web.ValidationException.FieldError;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The rules of a task's writable members, on JSON trees: no context, no server.
 */
class TaskChangesTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	@Test
	void allMembersWhenOnlyTitleThenEveryOtherMemberAtItsDefault() {
		Map<Member, Object> values = TaskChanges.allMembers(body("{\"title\": \"  Buy milk  \"}")).values();
		assertThat(values).containsOnlyKeys(Member.values());
		assertThat(values.get(Member.TITLE)).isEqualTo("Buy milk");
		assertThat(values.get(Member.DESCRIPTION)).isNull();
		assertThat(values.get(Member.COMPLETED)).isEqualTo(false);
		assertThat(values.get(Member.PRIORITY)).isEqualTo(Priority.MEDIUM.code());
		assertThat(values.get(Member.DUE_DATE)).isNull();
		assertThat((String[]) values.get(Member.TAGS)).isEmpty();
	}

	@Test
	void mergePatchWhenSomeMembersThenOnlyThoseAndNullBackToDefault() {
		Map<Member, Object> values = TaskChanges
			.mergePatch(body("{\"description\": null, \"priority\": \"high\", " + "\"id\": 99, \"unknown\": true}"))
			.values();
		assertThat(values).containsOnlyKeys(Member.DESCRIPTION, Member.PRIORITY);
		assertThat(values.get(Member.PRIORITY)).isEqualTo(Priority.HIGH.code());
		assertThat(TaskChanges.mergePatch(body("{}")).isEmpty()).isTrue();
		assertThat(TaskChanges.mergePatch(body("{\"priority\": null}")).values().get(Member.PRIORITY))
			.isEqualTo(Priority.MEDIUM.code());
	}

	@Test
	void allMembersWhenTagsThenTrimmedLowerCasedAndDistinctInOrder() {
		Map<Member, Object> values = TaskChanges
			.allMembers(body("{\"title\": \"t\", \"tags\": [\" Work \", \"home\", " + "\"WORK\"]}"))
			.values();
		assertThat((String[]) values.get(Member.TAGS)).containsExactly("work", "home");
	}

	@Test
	void allMembersWhenDueDateIsADateThenMidnightUtc() {
		assertThat(TaskChanges.allMembers(body("{\"title\": \"t\", \"due_date\": \"2026-12-01\"}"))
			.values()
			.get(Member.DUE_DATE)).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
		assertThat(TaskChanges.parseTimestamp("2026-12-01T18:00:00+01:00"))
			.contains(Instant.parse("2026-12-01T17:00:00Z"));
		assertThat(TaskChanges.parseTimestamp("0000-12-01")).isEmpty();
		assertThat(TaskChanges.parseTimestamp("tomorrow")).isEmpty();
	}

	@Test
	void allMembersWhenSeveralMembersBreakRulesThenOneErrorEach() {
		StringBuilder tags = new StringBuilder("[");
		for (int i = 0; i <= TaskChanges.MAX_TAGS; i++) {
			tags.append((i > 0) ? ", " : "").append("\"t").append(i).append('"');
		}
		JsonNode bad = body(
				"{\"title\": \"   \", \"description\": 3, \"completed\": \"yes\", \"priority\": \"urgent\", "
						+ "\"due_date\": \"soon\", \"tags\": " + tags + "]}");
		assertThatExceptionOfType(ValidationException.class).isThrownBy(() -> TaskChanges.allMembers(bad))
			.satisfies((ex) -> assertThat(errors(ex)).extracting(FieldError::field)
				.containsExactly("title", "description", "completed", "priority", "due_date", "tags"));
	}

	@Test
	void allMembersWhenTitleMissingTooLongOrNulThenInvalid() {
		String tooLong = "x".repeat(TaskChanges.MAX_TITLE_LENGTH + 1);
		for (String bad : new String[] { "{}", "{\"title\": \"" + tooLong + "\"}", "{\"title\": \"a\\u0000b\"}" }) {
			assertThatExceptionOfType(ValidationException.class).as(bad)
				.isThrownBy(() -> TaskChanges.allMembers(body(bad)))
				.satisfies((ex) -> assertThat(errors(ex)).extracting(FieldError::field).containsExactly("title"));
		}
		// Characters, not UTF-16 units: 200 emoji are a valid title
		assertThat(TaskChanges.allMembers(body("{\"title\": \"" + "\uD83D\uDE00".repeat(200) + "\"}")).values())
			.containsKey(Member.TITLE);
	}

	@Test
	void completionWhenNotABooleanThenInvalid() {
		assertThat(TaskChanges.completion(body("{\"completed\": false}")).values())
			.isEqualTo(Map.of(Member.COMPLETED, false));
		assertThatExceptionOfType(ValidationException.class)
			.isThrownBy(() -> TaskChanges.completion(body("{\"completed\": \"true\"}")));
	}

	@SuppressWarnings("unchecked")
	private static java.util.List<FieldError> errors(ValidationException ex) {
		return (java.util.List<FieldError>) ex.getBody().getProperties().get("errors");
	}

	private static JsonNode body(String text) {
		return json.readTree(text);
	}

}
