package app.todo.task;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A task as stored and as served (members in {@code snake_case}).
 */
record Task(long id, String userId, String title, @Nullable String description, boolean completed, Priority priority,
		@Nullable Instant dueDate, List<String> tags, Instant createdAt, Instant updatedAt,
		@Nullable Instant completedAt, int version) {
}
