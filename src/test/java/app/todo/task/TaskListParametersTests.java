package app.todo.task;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import app.todo.task.TaskListQuery.Position;
import app.todo.task.TaskListQuery.Status;
import app.todo.web.InvalidParameterException;

import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The list's query parameters, parsed without a context: defaults, normal forms and the
 * parameter each refusal names (the HTTP tables of {@code BadRequestTests} check the
 * wiring).
 */
class TaskListParametersTests {

	@Test
	void parseWhenNoParametersThenDefaults() {
		TaskListQuery query = TaskListParameters.parse(new LinkedMultiValueMap<>(), "alice");
		assertThat(query).isEqualTo(new TaskListQuery(Status.ALL, TaskSort.DEFAULT, 50, 0,
				new TaskFilters(Set.of(), Set.of(), null, null, null, null), null));
	}

	@Test
	void parseWhenEveryParameterThenTheirValues() {
		TaskListQuery query = TaskListParameters.parse(
				parameters(Map.of("status", "pending", "sort", "-due_date", "limit", "10", "offset", "20", "priority",
						"high", "tag", " Work ", "due_before", "2026-12-01", "overdue", "false", "q", "  invoice  ")),
				"alice");
		assertThat(query.status()).isEqualTo(Status.PENDING);
		assertThat(query.sort()).isEqualTo(new TaskSort(TaskSort.Field.DUE_DATE, true));
		assertThat(query.limit()).isEqualTo(10);
		assertThat(query.offset()).isEqualTo(20);
		assertThat(query.filters()).isEqualTo(new TaskFilters(Set.of(Priority.HIGH), Set.of("work"),
				Instant.parse("2026-12-01T00:00:00Z"), null, false, "invoice"));
	}

	@Test
	void parseWhenTagsInAnotherOrderThenTheSameFilters() {
		MultiValueMap<String, String> one = new LinkedMultiValueMap<>();
		one.put("tag", java.util.List.of("b", "A"));
		MultiValueMap<String, String> other = new LinkedMultiValueMap<>();
		other.put("tag", java.util.List.of("a", "B"));
		assertThat(TaskListParameters.filters(one).key()).isEqualTo(TaskListParameters.filters(other).key());
	}

	@Test
	void parseWhenBlankSearchThenNoSearch() {
		assertThat(TaskListParameters.filters(parameters(Map.of("q", "   "))).text()).isNull();
	}

	@Test
	void parseWhenCursorThenItsPosition() {
		TaskListQuery first = TaskListParameters.parse(parameters(Map.of("sort", "title")), "alice");
		String cursor = Cursor.encode("alice", first, new Position("milk", 3));
		TaskListQuery next = TaskListParameters.parse(parameters(Map.of("sort", "title", "cursor", cursor)), "alice");
		assertThat(next.after()).isEqualTo(new Position("milk", 3));
	}

	@ParameterizedTest
	@CsvSource({ "status, done, status", "sort, size, sort", "sort, --title, sort", "limit, 0, limit",
			"limit, 201, limit", "limit, 1e3, limit", "limit, 9999999999, limit", "offset, 100001, offset",
			"priority, urgent, priority", "tag, ' ', tag", "due_before, tomorrow, due_before",
			"due_after, 0000-01-01, due_after", "overdue, yes, overdue", "q, '!?', q", "cursor, abc, cursor" })
	void parseWhenBadValueThenBadRequestNamingTheParameter(String name, String value, String named) {
		assertThatExceptionOfType(InvalidParameterException.class)
			.isThrownBy(() -> TaskListParameters.parse(parameters(Map.of(name, value)), "alice"))
			.satisfies((ex) -> assertThat(ex.getBody().getProperties()).containsEntry("parameter", named));
	}

	@Test
	void parseWhenGivenTwiceOrTooOftenThenBadRequest() {
		MultiValueMap<String, String> twice = new LinkedMultiValueMap<>();
		twice.put("status", java.util.List.of("all", "all"));
		assertThatExceptionOfType(InvalidParameterException.class)
			.isThrownBy(() -> TaskListParameters.parse(twice, "alice"))
			.satisfies((ex) -> assertThat(ex.getBody().getDetail()).contains("must be given once"));
		MultiValueMap<String, String> tags = new LinkedMultiValueMap<>();
		for (int i = 0; i <= TaskChanges.MAX_TAGS; i++) {
			tags.add("tag", "t" + i);
		}
		assertThatExceptionOfType(InvalidParameterException.class)
			.isThrownBy(() -> TaskListParameters.parse(tags, "alice"))
			.satisfies((ex) -> assertThat(ex.getBody().getProperties()).containsEntry("parameter", "tag"));
	}

	@Test
	void parseWhenCursorAndOffsetThenBadRequest() {
		assertThatExceptionOfType(InvalidParameterException.class)
			.isThrownBy(() -> TaskListParameters.parse(parameters(Map.of("cursor", "x.y", "offset", "5")), "alice"))
			.satisfies((ex) -> assertThat(ex.getBody().getProperties()).containsEntry("parameter", "offset"));
	}

	private static MultiValueMap<String, String> parameters(Map<String, String> values) {
		MultiValueMap<String, String> parameters = new LinkedMultiValueMap<>();
		values.forEach(parameters::add);
		return parameters;
	}

}
