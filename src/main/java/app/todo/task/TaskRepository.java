package app.todo.task;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import app.todo.security.Caller;
import app.todo.task.TaskChanges.Member;
import app.todo.task.TaskListQuery.Position;
import app.todo.user.UserRepository;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;

/**
 * Every statement on tasks names the owner in its WHERE clause or VALUES: there is no way to
 * read, change or delete a task by id alone, so one user's task is, to everyone else, a task
 * that does not exist.
 */
@Repository
class TaskRepository {

	static final String COLUMNS = "id, user_id, title, description, completed, priority, due_date, tags, "
			+ "created_at, updated_at, completed_at, version";

	/*
	 * The caller's users row is written in the same statement as their first task, which also
	 * counts the task on it below the quotas: no row from owner, no task.
	 */
	private static final String INSERT = """
			WITH owner AS (%s)
			INSERT INTO tasks (user_id, title, description, completed, completed_at, priority, due_date, tags)
			SELECT id, :title, :description, :completed, CASE WHEN :completed THEN now() END, :priority,
			  :due_date, :tags FROM owner
			RETURNING %s""".formatted(UserRepository.CREATE_OWNER_COUNTING_TASK, COLUMNS);

	private static final String FIND = "SELECT " + COLUMNS + " FROM tasks WHERE user_id = :userId AND id = :id";

	private static final String DELETE = "DELETE FROM tasks WHERE user_id = :userId AND id = :id";

	private static final String TOGGLE_COMPLETED = """
			UPDATE tasks SET completed = NOT completed,
			  completed_at = CASE WHEN completed THEN NULL ELSE now() END,
			  version = version + 1, updated_at = now()
			WHERE user_id = :userId AND id = :id
			RETURNING %s""".formatted(COLUMNS);

	private static final String DELETE_COMPLETED = "DELETE FROM tasks WHERE user_id = :userId AND completed";

	/*
	 * All or nothing in one statement: the caller's rows among the ids are locked first (in id
	 * order, so that two bulk writes cannot deadlock), and the update runs only if every id was
	 * found; a row deleted meanwhile is not locked, so it makes the count fall short too.
	 */
	private static final String SET_COMPLETED = """
			WITH found AS (
			  SELECT id FROM tasks WHERE user_id = :userId AND id = ANY(:ids) ORDER BY id FOR UPDATE
			)
			UPDATE tasks SET completed = :completed,
			  completed_at = CASE WHEN :completed THEN coalesce(completed_at, now()) END,
			  version = version + 1, updated_at = now()
			WHERE user_id = :userId AND id IN (SELECT id FROM found) AND (SELECT count(*) FROM found) = :count
			RETURNING %s""".formatted(COLUMNS);

	private final DatabaseClient db;

	private final UserRepository users;

	private final QuotaProperties quotas;

	TaskRepository(DatabaseClient db, UserRepository users, QuotaProperties quotas) {
		this.db = db;
		this.users = users;
		this.quotas = quotas;
	}

	/** The new task; a {@link QuotaExceededException} when the owner has no room for it. */
	Mono<Task> insert(Caller owner, TaskChanges task) {
		GenericExecuteSpec spec = UserRepository.bindOwner(this.db.sql(INSERT), owner)
			.bind("maxTasks", this.quotas.tasks())
			.bind("maxDeletedTasks", this.quotas.deletedTasks());
		return bindAll(spec, task.values()).map(TaskRepository::task)
			.one()
			.switchIfEmpty(Mono.defer(() -> quotaExceeded(owner.id())));
	}

	/** Which quota a create met: asked only after the create, which alone decided. */
	private Mono<Task> quotaExceeded(String userId) {
		return this.users.taskCounts(userId)
			.map((counts) -> (counts.tasks() >= this.quotas.tasks()) ? QuotaExceededException.tasks(this.quotas.tasks())
					: QuotaExceededException.deletedTasks(this.quotas.deletedTasks()))
			.flatMap(Mono::error);
	}

	Mono<Task> find(String userId, long id) {
		return this.db.sql(FIND).bind("userId", userId).bind("id", id).map(TaskRepository::task).one();
	}

	/** Writes the given members and counts a new version; empty if there is no such task. */
	Mono<Task> update(String userId, long id, TaskChanges changes) {
		return update(userId, id, changes, null);
	}

	/**
	 * Like {@link #update(String, long, TaskChanges)}, only if the task has one of the given
	 * versions (any version when null): checked and written in one statement, so that two
	 * writers holding the same version can never both win.
	 */
	Mono<Task> update(String userId, long id, TaskChanges changes, Integer @Nullable [] versions) {
		StringJoiner assignments = new StringJoiner(", ");
		for (Member member : changes.values().keySet()) {
			assignments.add(member.column + " = :" + member.column);
			if (member == Member.COMPLETED) {
				// completed_at keeps its first value while the task stays completed
				assignments.add("completed_at = CASE WHEN :completed THEN coalesce(completed_at, now()) END");
			}
		}
		assignments.add("version = version + 1").add("updated_at = now()");
		String sql = "UPDATE tasks SET " + assignments + " WHERE user_id = :userId AND id = :id" + ifVersion(versions)
				+ " RETURNING " + COLUMNS;
		GenericExecuteSpec spec = bindVersions(this.db.sql(sql).bind("userId", userId).bind("id", id), versions);
		return bindAll(spec, changes.values()).map(TaskRepository::task).one();
	}

	Mono<Task> toggleCompleted(String userId, long id) {
		return toggleCompleted(userId, id, null);
	}

	Mono<Task> toggleCompleted(String userId, long id, Integer @Nullable [] versions) {
		String sql = TOGGLE_COMPLETED.replace("WHERE user_id = :userId AND id = :id",
				"WHERE user_id = :userId AND id = :id" + ifVersion(versions));
		return bindVersions(this.db.sql(sql).bind("userId", userId).bind("id", id), versions)
			.map(TaskRepository::task)
			.one();
	}

	Mono<Boolean> delete(String userId, long id) {
		return delete(userId, id, null);
	}

	Mono<Boolean> delete(String userId, long id, Integer @Nullable [] versions) {
		return bindVersions(this.db.sql(DELETE + ifVersion(versions)).bind("userId", userId).bind("id", id), versions)
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows > 0);
	}

	private static String ifVersion(Integer @Nullable [] versions) {
		return (versions != null) ? " AND version = ANY(:versions)" : "";
	}

	private static GenericExecuteSpec bindVersions(GenericExecuteSpec spec, Integer @Nullable [] versions) {
		return (versions != null) ? spec.bind("versions", versions) : spec;
	}

	/** Deletes every completed task of the user; how many there were. */
	Mono<Long> deleteCompleted(String userId) {
		return this.db.sql(DELETE_COMPLETED).bind("userId", userId).fetch().rowsUpdated();
	}

	/** Sets completed on every given task of the user, or on none if any is not theirs. */
	Flux<Task> setCompleted(String userId, Set<Long> ids, boolean completed) {
		return this.db.sql(SET_COMPLETED)
			.bind("userId", userId)
			.bind("ids", ids.toArray(Long[]::new))
			.bind("completed", completed)
			.bind("count", (long) ids.size())
			.map(TaskRepository::task)
			.all();
	}

	/**
	 * One page of the caller's tasks, streamed. Each row also carries whether another page
	 * follows and where this one ends, so that the {@code Link} header can be written before
	 * the first task, from a single statement and a single snapshot.
	 */
	Flux<PageRow> findPage(String userId, TaskListQuery query) {
		TaskSort sort = query.sort();
		PageStatement statement = pageStatement(userId, query);
		GenericExecuteSpec spec = this.db.sql(statement.sql());
		for (Map.Entry<String, Parameter> parameter : statement.parameters().entrySet()) {
			spec = spec.bind(parameter.getKey(), parameter.getValue());
		}
		return spec.map((row) -> {
			Task task = task(row);
			long pageRows = row.get("page_rows", Long.class);
			Position next = (pageRows > query.limit())
					? new Position(row.get("last_value", sort.field().type), row.get("last_id", Long.class)) : null;
			return new PageRow(task, next);
		}).all();
	}

	/** The statement of {@link #findPage}, apart, so that tests can look at its plans. */
	static PageStatement pageStatement(String userId, TaskListQuery query) {
		TaskSort sort = query.sort();
		String where = "user_id = :userId" + query.status().condition + query.filters().condition()
				+ ((query.after() != null) ? " AND " + sort.after(":afterValue", ":afterId") : "");
		// The window sees the one row past the page (the inner LIMIT) before the outer LIMIT drops it
		String sql = """
				SELECT t.*, count(*) OVER () AS page_rows,
				  nth_value(t.%1$s, :limit) OVER page AS last_value, nth_value(t.id, :limit) OVER page AS last_id
				FROM (SELECT %2$s FROM tasks WHERE %3$s ORDER BY %4$s LIMIT :fetch OFFSET :offset) t
				WINDOW page AS (ORDER BY %5$s ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
				ORDER BY %5$s
				LIMIT :limit""".formatted(sort.field().name, COLUMNS, where, sort.orderBy(""), sort.orderBy("t."));
		Map<String, Parameter> parameters = new LinkedHashMap<>();
		parameters.put("userId", Parameter.from(userId));
		parameters.put("limit", Parameter.from(query.limit()));
		parameters.put("fetch", Parameter.from(query.limit() + 1));
		parameters.put("offset", Parameter.from(query.offset()));
		query.filters().parameters().forEach((name, value) -> parameters.put(name, Parameter.from(value)));
		Position after = query.after();
		if (after != null) {
			parameters.put("afterValue", Parameter.fromOrEmpty(after.value(), sort.field().type));
			parameters.put("afterId", Parameter.from(after.id()));
		}
		return new PageStatement(sql, parameters);
	}

	record PageStatement(String sql, Map<String, Parameter> parameters) {
	}

	/** A task of a page, with the position of the page's end when another page follows. */
	record PageRow(Task task, @Nullable Position next) {
	}

	private static GenericExecuteSpec bindAll(GenericExecuteSpec spec, Map<Member, @Nullable Object> values) {
		for (Map.Entry<Member, @Nullable Object> value : values.entrySet()) {
			spec = spec.bind(value.getKey().column, Parameter.fromOrEmpty(value.getValue(), value.getKey().type()));
		}
		return spec;
	}

	static Task task(Readable row) {
		return taskAt(row, 0);
	}

	/**
	 * The task of a row whose {@link #COLUMNS} start at the given index: by position, as a page
	 * reads 50 rows of 12 columns and a lookup by name searches the row's columns each time.
	 */
	static Task taskAt(Readable row, int first) {
		return new Task(row.get(first, Long.class), row.get(first + 1, String.class), row.get(first + 2, String.class),
				row.get(first + 3, String.class), row.get(first + 4, Boolean.class),
				Priority.ofCode(row.get(first + 5, Short.class)), row.get(first + 6, Instant.class),
				List.of(row.get(first + 7, String[].class)), row.get(first + 8, Instant.class),
				row.get(first + 9, Instant.class), row.get(first + 10, Instant.class), row.get(first + 11, Integer.class));
	}

}
