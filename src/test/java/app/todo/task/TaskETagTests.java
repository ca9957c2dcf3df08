package app.todo.task;

import java.net.URI;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import app.todo.web.InvalidHeaderException;

import org.springframework.mock.web.reactive.function.server.MockServerRequest;
import org.springframework.web.reactive.function.server.ServerRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The conditional headers of a task, as pure rules on a request: no context, no server.
 */
class TaskETagTests {

	private static final Task VERSION_3 = new Task(1, "alice", "Buy milk", null, false, Priority.MEDIUM, null,
			List.of(), Instant.EPOCH, Instant.EPOCH, null, 3);

	@Test
	void ofWhenTaskThenItsQuotedVersion() {
		assertThat(TaskETag.of(VERSION_3)).isEqualTo("\"3\"");
	}

	@Test
	void ifMatchWhenAbsentOrWildcardThenAnyVersion() {
		assertThat(TaskETag.ifMatch(request("If-Match", null))).isNull();
		assertThat(TaskETag.ifMatch(request("If-Match", "*"))).isNull();
	}

	@Test
	void ifMatchWhenStrongAndWeakTagsThenOnlyTheStrongVersions() {
		assertThat(TaskETag.ifMatch(request("If-Match", "\"3\", W/\"4\", \"5\", \"3\""))).containsExactly(3, 5);
		assertThat(TaskETag.ifMatch(request("If-Match", "W/\"3\""))).isEmpty();
	}

	@Test
	void checkWhenNotAnEntityTagListThenBadRequestNamingTheHeader() {
		for (String bad : new String[] { "3", "\"3", "W/3", "\"3\" \"4\"", "\"1\",".repeat(2000) }) {
			assertThatExceptionOfType(InvalidHeaderException.class).as(bad)
				.isThrownBy(() -> TaskETag.check(request("If-Match", bad)))
				.satisfies((ex) -> assertThat(ex.getBody().getProperties()).containsEntry("header", "If-Match"));
		}
		assertThatExceptionOfType(InvalidHeaderException.class)
			.isThrownBy(() -> TaskETag.check(request("If-None-Match", "3")));
	}

	@Test
	void noneMatchFailsWhenCurrentVersionWeakOrStrongOrWildcard() {
		assertThat(TaskETag.noneMatchFails(request("If-None-Match", "\"3\""), VERSION_3)).isTrue();
		assertThat(TaskETag.noneMatchFails(request("If-None-Match", "W/\"3\""), VERSION_3)).isTrue();
		assertThat(TaskETag.noneMatchFails(request("If-None-Match", "*"), VERSION_3)).isTrue();
		assertThat(TaskETag.noneMatchFails(request("If-None-Match", "\"2\", \"4\""), VERSION_3)).isFalse();
		assertThat(TaskETag.noneMatchFails(request("If-None-Match", null), VERSION_3)).isFalse();
	}

	private static ServerRequest request(String header, String value) {
		MockServerRequest.Builder builder = MockServerRequest.builder().uri(URI.create("/api/tasks/1"));
		if (value != null) {
			builder.header(header, value);
		}
		return builder.build();
	}

}
