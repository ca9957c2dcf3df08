package app.todo.task;

import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Test;

import app.todo.task.TaskListQuery.Position;
import app.todo.task.TaskListQuery.Status;
import app.todo.task.TaskRepository.PageStatement;

import org.springframework.r2dbc.core.Parameter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The list's SQL as {@link TaskRepository} renders it, without a database: which
 * conditions, orders and keysets each query gets, and that every value is bound, never
 * written into the text. {@code TaskListPlanTests} runs the same statements against a
 * million rows.
 */
class TaskListStatementTests {

	@Test
	void pageStatementWhenDefaultQueryThenOwnerOnlyNewestFirst() {
		PageStatement statement = TaskRepository.pageStatement("alice",
				query(Status.ALL, TaskSort.DEFAULT, TaskFilters.NONE, null));
		assertThat(statement.sql())
			.contains("FROM tasks WHERE user_id = :userId ORDER BY created_at DESC, id DESC "
					+ "LIMIT :fetch OFFSET :offset")
			.contains("ORDER BY t.created_at DESC, t.id DESC")
			.doesNotContain("alice");
		assertThat(statement.parameters()).containsOnlyKeys("userId", "limit", "fetch", "offset");
		assertThat(statement.parameters().get("userId")).isEqualTo(Parameter.from("alice"));
		assertThat(statement.parameters().get("fetch")).isEqualTo(Parameter.from(51));
	}

	@Test
	void pageStatementWhenStatusThenItsCondition() {
		assertThat(where(query(Status.PENDING, TaskSort.DEFAULT, TaskFilters.NONE, null)))
			.isEqualTo("user_id = :userId AND NOT completed");
		assertThat(where(query(Status.COMPLETED, TaskSort.DEFAULT, TaskFilters.NONE, null)))
			.isEqualTo("user_id = :userId AND completed");
	}

	@Test
	void pageStatementWhenEveryFilterThenEveryConditionWithBoundValues() {
		TaskFilters filters = new TaskFilters(Set.of(Priority.HIGH), Set.of("home"),
				Instant.parse("2026-12-01T00:00:00Z"), Instant.parse("2026-11-01T00:00:00Z"), true,
				"milk'); DROP TABLE tasks; --");
		PageStatement statement = TaskRepository.pageStatement("alice",
				query(Status.ALL, TaskSort.DEFAULT, filters, null));
		assertThat(where(statement)).isEqualTo("user_id = :userId AND priority = ANY(:priorities)"
				+ " AND tags @> CAST(:tags AS text[]) AND due_date < :dueBefore AND due_date >= :dueAfter"
				+ " AND NOT completed AND due_date < now()"
				+ " AND todo_search_vector(title, description) @@ todo_search_query(:text)");
		assertThat(statement.parameters()).containsKeys("priorities", "tags", "dueBefore", "dueAfter", "text");
		assertThat(statement.sql()).doesNotContain("DROP");
		TaskFilters notOverdue = new TaskFilters(Set.of(), Set.of(), null, null, false, null);
		assertThat(where(query(Status.ALL, TaskSort.DEFAULT, notOverdue, null)))
			.isEqualTo("user_id = :userId AND (completed OR due_date IS NULL OR due_date >= now())");
	}

	@Test
	void pageStatementWhenDueDateSortThenTasksWithoutOneLastBothWays() {
		TaskSort ascending = new TaskSort(TaskSort.Field.DUE_DATE, false);
		TaskSort descending = new TaskSort(TaskSort.Field.DUE_DATE, true);
		assertThat(TaskRepository.orderBy(ascending, ""))
			.isEqualTo("coalesce(due_date, 'infinity'::timestamptz) ASC, id ASC");
		assertThat(TaskRepository.orderBy(descending, "t."))
			.isEqualTo("coalesce(t.due_date, '-infinity'::timestamptz) DESC, t.id DESC");
	}

	@Test
	void pageStatementWhenAfterAPositionThenKeysetOnTheSortKey() {
		TaskSort byDueDate = new TaskSort(TaskSort.Field.DUE_DATE, false);
		PageStatement dueDate = TaskRepository.pageStatement("alice",
				query(Status.ALL, byDueDate, TaskFilters.NONE, new Position(null, 9)));
		assertThat(where(dueDate))
			.isEqualTo("user_id = :userId AND (coalesce(due_date, 'infinity'::timestamptz), id) > "
					+ "(coalesce(CAST(:afterValue AS timestamptz), 'infinity'::timestamptz), :afterId)");
		assertThat(dueDate.parameters().get("afterValue")).isEqualTo(Parameter.empty(Instant.class));
		TaskSort byTitle = new TaskSort(TaskSort.Field.TITLE, true);
		PageStatement title = TaskRepository.pageStatement("alice",
				query(Status.ALL, byTitle, TaskFilters.NONE, new Position("milk", 9)));
		assertThat(where(title)).isEqualTo("user_id = :userId AND (lower(title), id) < (lower(:afterValue), :afterId)");
		assertThat(title.parameters().get("afterId")).isEqualTo(Parameter.from(9L));
	}

	private static TaskListQuery query(Status status, TaskSort sort, TaskFilters filters, Position after) {
		return new TaskListQuery(status, sort, 50, 0, filters, after);
	}

	private static String where(TaskListQuery query) {
		return where(TaskRepository.pageStatement("alice", query));
	}

	/** The inner statement's conditions. */
	private static String where(PageStatement statement) {
		String sql = statement.sql();
		int start = sql.indexOf(" WHERE ") + " WHERE ".length();
		return sql.substring(start, sql.indexOf(" ORDER BY ", start));
	}

}
