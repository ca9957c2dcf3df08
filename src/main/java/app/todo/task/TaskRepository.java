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
import app.todo.task.SyncToken.Page;
import app.todo.task.TaskListQuery.Position;
import app.todo.user.UserRepository;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;

/**
 * Every statement on tasks, their tombstones and idempotency keys, and all of the list's
 * SQL. Each names the owner in its WHERE clause or VALUES: there is no way to read,
 * change or delete a task by id alone, so one user's task is, to everyone else, a task
 * that does not exist.
 */
@Repository
class TaskRepository {

	static final String COLUMNS = "id, user_id, title, description, completed, priority, due_date, tags, "
			+ "created_at, updated_at, completed_at, version";

	/*
	 * Every statement that changes tasks is one statement (one round trip, its own
	 * transaction unless the caller's) doing what triggers did before changelog 010: it
	 * locks the owner's users row first and advances its change counter, stamps the rows
	 * it writes with it (change_seq, which delta sync and live updates follow), writes
	 * the tombstones of what it deletes and counts tasks and tombstones on the users row,
	 * and announces the change on the channel task_changes, once, only if it changed a
	 * row (NOTIFY is delivered at commit, so never for a change rolled back). The
	 * announcement is a CTE over the changed rows (a CTE with a volatile function is
	 * evaluated once, and on Citus never pushed to a worker), joined to the answer so
	 * that it is evaluated.
	 */
	private static final String NOTIFY = "notified AS (SELECT CAST(pg_notify('task_changes', :userId) AS text) FROM %s LIMIT 1)";

	/*
	 * The caller's users row is written in the same statement as their first task, which
	 * also counts the task on it below the quotas: no row from owner, no task.
	 */
	private static final String INSERT = """
			WITH owner AS (%s),
			created AS (
			  INSERT INTO tasks (user_id, title, description, completed, completed_at, priority, due_date, tags, change_seq)
			  SELECT id, :title, :description, :completed, todo_completed_at(:completed, NULL, now()), :priority,
			    :due_date, :tags, change_seq FROM owner
			  RETURNING %s
			),
			%s
			SELECT created.* FROM created, notified"""
		.formatted(UserRepository.CREATE_OWNER_COUNTING_TASK, COLUMNS, NOTIFY.formatted("created"));

	private static final String FIND = "SELECT " + COLUMNS + " FROM tasks WHERE user_id = :userId AND id = :id";

	/*
	 * The owner's row is locked before any task (as by every statement that changes
	 * tasks, so that two cannot deadlock), then counted once the tasks are gone; the
	 * tombstones take the counter's new value. A user with no row has no task: nothing is
	 * deleted.
	 */
	private static final String DELETE = """
			WITH locked AS (SELECT change_seq FROM users WHERE id = :userId FOR UPDATE),
			gone AS (DELETE FROM tasks WHERE %s AND EXISTS (SELECT FROM locked) RETURNING id),
			owner AS (
			  UPDATE users SET change_seq = users.change_seq + 1,
			    task_count = greatest(0, users.task_count - counted.tasks),
			    tombstone_count = users.tombstone_count + counted.tasks
			  FROM (SELECT count(*)::integer AS tasks FROM gone) AS counted
			  WHERE users.id = :userId AND counted.tasks > 0
			  RETURNING users.change_seq
			),
			tombstones AS (
			  INSERT INTO task_tombstones (user_id, task_id, change_seq)
			  SELECT :userId, gone.id, owner.change_seq FROM gone, owner
			  RETURNING task_id
			),
			%s
			SELECT count(*) AS deleted FROM tombstones, notified""";

	private static final String DELETE_COMPLETED = DELETE.formatted("user_id = :userId AND completed",
			NOTIFY.formatted("tombstones"));

	private static final String TOGGLE_COMPLETED = """
			WITH owner AS (%s),
			changed AS (
			  UPDATE tasks SET completed = NOT completed, completed_at = todo_completed_at(NOT completed, NULL, now()),
			    version = version + 1, updated_at = now(), change_seq = (SELECT change_seq FROM owner)
			  WHERE user_id = :userId AND id = :id
			  RETURNING %s
			),
			%s
			SELECT changed.* FROM changed, notified""".formatted(UserRepository.ADVANCE_CHANGE_SEQ, COLUMNS,
			NOTIFY.formatted("changed"));

	/*
	 * All or nothing in one statement: after the owner's row, the caller's rows among the
	 * ids are locked, and the update runs only if every id was found; a row deleted
	 * meanwhile is not locked, so it makes the count fall short.
	 */
	private static final String SET_COMPLETED = """
			WITH owner AS (%s),
			found AS (
			  SELECT id FROM tasks WHERE user_id = :userId AND id = ANY(:ids) AND (SELECT change_seq FROM owner) > 0
			  ORDER BY id FOR UPDATE
			),
			changed AS (
			  UPDATE tasks SET completed = :completed, completed_at = todo_completed_at(:completed, completed_at, now()),
			    version = version + 1, updated_at = now(), change_seq = (SELECT change_seq FROM owner)
			  WHERE user_id = :userId AND id IN (SELECT id FROM found) AND (SELECT count(*) FROM found) = :count
			  RETURNING %s
			),
			%s
			SELECT changed.* FROM changed, notified"""
		.formatted(UserRepository.ADVANCE_CHANGE_SEQ, COLUMNS, NOTIFY.formatted("changed"));

	/*
	 * In the order of tasks_user_created_idx: a range scan of the owner's rows, no sort.
	 */
	private static final String EXPORT = "SELECT " + COLUMNS
			+ " FROM tasks WHERE user_id = :userId ORDER BY created_at, id";

	/*
	 * An import in one statement, below the quotas like INSERT; ids in the order of the
	 * lines. Tags travel as one JSON array a task, as SQL arrays cannot be ragged.
	 */
	private static final String IMPORT = """
			WITH owner AS (%s),
			created AS (
			  INSERT INTO tasks (user_id, title, description, completed, completed_at, priority, due_date, tags, change_seq)
			  SELECT owner.id, t.title, t.description, t.completed,
			    todo_completed_at(t.completed, t.completed_at, now()), t.priority, t.due_date,
			    ARRAY(SELECT jsonb_array_elements_text(t.tags)), owner.change_seq
			  FROM owner, unnest(CAST(:titles AS text[]), CAST(:descriptions AS text[]), CAST(:completed AS boolean[]),
			    CAST(CAST(:completedAt AS text[]) AS timestamptz[]), CAST(:priorities AS smallint[]),
			    CAST(CAST(:dueDates AS text[]) AS timestamptz[]), CAST(CAST(:tags AS text[]) AS jsonb[]))
			    WITH ORDINALITY AS t(title, description, completed, completed_at, priority, due_date, tags, n)
			  ORDER BY t.n
			  RETURNING id
			),
			%s
			SELECT count(*) AS imported FROM created, notified"""
		.formatted(UserRepository.CREATE_OWNER_COUNTING_TASKS, NOTIFY.formatted("created"));

	/*
	 * The lowest change_seq a sync token made now asks for: one past the owner's counter.
	 * Every change numbered at or below it has committed (the counter is advanced under
	 * the row's lock, in the transaction of the change), so a read after this one sees
	 * it; every change not yet visible will be numbered above it.
	 */
	private static final String FLOOR = "SELECT change_seq + 1 FROM users WHERE id = :userId";

	/*
	 * Also takes over a key older than 24 hours that the purge has not reached yet. A
	 * user with their quota of keys in the last 24 hours claims none: the statement
	 * returns no row, as for a key that is taken, and the lookup that follows tells the
	 * two apart. The count stops at the quota, so it costs at most that many index
	 * entries. The conflict's update names no function (the proposed row's created_at is
	 * now()): Citus takes only IMMUTABLE ones there.
	 */
	private static final String CLAIM_KEY = """
			WITH owner AS (%s)
			INSERT INTO idempotency_keys (user_id, idempotency_key, request_hash)
			SELECT :userId, :key, :hash
			WHERE (SELECT count(*) FROM (SELECT 1 FROM idempotency_keys WHERE user_id = :userId
			  AND created_at > now() - interval '24 hours' LIMIT :maxKeys) AS recent) < :maxKeys
			ON CONFLICT (user_id, idempotency_key) DO UPDATE
			  SET request_hash = EXCLUDED.request_hash, location = NULL, response = NULL, created_at = EXCLUDED.created_at
			  WHERE EXCLUDED.created_at - idempotency_keys.created_at > interval '24 hours'
			RETURNING true AS claimed"""
		.formatted(UserRepository.CREATE_OWNER);

	private static final String RECORD_ANSWER = """
			UPDATE idempotency_keys SET location = :location, response = :response
			WHERE user_id = :userId AND idempotency_key = :key""";

	private static final String FIND_KEY = """
			SELECT request_hash, location, response FROM idempotency_keys
			WHERE user_id = :userId AND idempotency_key = :key""";

	private final DatabaseClient db;

	private final UserRepository users;

	private final QuotaProperties quotas;

	TaskRepository(DatabaseClient db, UserRepository users, QuotaProperties quotas) {
		this.db = db;
		this.users = users;
		this.quotas = quotas;
	}

	/**
	 * The new task; a {@link QuotaExceededException} when the owner has no room for it.
	 */
	Mono<Task> insert(Caller owner, TaskChanges task) {
		GenericExecuteSpec spec = UserRepository.bindOwner(this.db.sql(INSERT), owner)
			.bind("maxTasks", this.quotas.tasks())
			.bind("maxDeletedTasks", this.quotas.deletedTasks());
		return bindAll(spec, task.values()).map(TaskRepository::task)
			.one()
			.switchIfEmpty(Mono.defer(() -> quotaExceeded(owner.id())));
	}

	/**
	 * Creates the tasks, all or none: how many, or a {@link QuotaExceededException} when
	 * the owner has no room for all of them.
	 */
	Mono<Long> importAll(Caller owner, List<ImportedTask> tasks) {
		int count = tasks.size();
		if (count > this.quotas.tasks()) {
			return Mono.error(QuotaExceededException.tasks(this.quotas.tasks()));
		}
		GenericExecuteSpec spec = UserRepository.bindOwner(this.db.sql(IMPORT), owner)
			.bind("count", count)
			.bind("maxTasks", this.quotas.tasks())
			.bind("maxDeletedTasks", this.quotas.deletedTasks())
			.bind("titles",
					tasks.stream().map((task) -> (String) task.values().get(Member.TITLE)).toArray(String[]::new))
			.bind("descriptions",
					tasks.stream().map((task) -> (String) task.values().get(Member.DESCRIPTION)).toArray(String[]::new))
			.bind("completed",
					tasks.stream().map((task) -> (Boolean) task.values().get(Member.COMPLETED)).toArray(Boolean[]::new))
			.bind("completedAt", tasks.stream().map((task) -> text(task.completedAt())).toArray(String[]::new))
			.bind("priorities",
					tasks.stream().map((task) -> (Short) task.values().get(Member.PRIORITY)).toArray(Short[]::new))
			.bind("dueDates",
					tasks.stream()
						.map((task) -> text((Instant) task.values().get(Member.DUE_DATE)))
						.toArray(String[]::new))
			.bind("tags", tasks.stream().map(ImportedTask::tagsJson).toArray(String[]::new));
		return spec.map((row) -> row.get(0, Long.class)).one().flatMap((rows) -> {
			if (rows == count || count == 0) {
				return Mono.just(rows);
			}
			return this.users.taskCounts(owner.id())
				.map((counts) -> (counts.tasks() + count > this.quotas.tasks())
						? QuotaExceededException.tasks(this.quotas.tasks())
						: QuotaExceededException.deletedTasks(this.quotas.deletedTasks()))
				.flatMap(Mono::error);
		});
	}

	private static @Nullable String text(@Nullable Instant time) {
		return (time != null) ? time.toString() : null;
	}

	/**
	 * A task of an import: its members as a create takes them, its completion time, and
	 * its tags as a JSON array.
	 */
	record ImportedTask(Map<Member, @Nullable Object> values, @Nullable Instant completedAt, String tagsJson) {
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

	/**
	 * Writes the given members and counts a new version; empty if there is no such task.
	 */
	Mono<Task> update(String userId, long id, TaskChanges changes) {
		return update(userId, id, changes, null);
	}

	/**
	 * Like {@link #update(String, long, TaskChanges)}, only if the task has one of the
	 * given versions (any version when null): checked and written in one statement, so
	 * that two writers holding the same version can never both win.
	 */
	Mono<Task> update(String userId, long id, TaskChanges changes, Integer @Nullable [] versions) {
		StringJoiner assignments = new StringJoiner(", ");
		for (Member member : changes.values().keySet()) {
			assignments.add(member.column + " = :" + member.column);
			if (member == Member.COMPLETED) {
				// completed_at keeps its first value while the task stays completed
				assignments.add("completed_at = todo_completed_at(:completed, completed_at, now())");
			}
		}
		assignments.add("version = version + 1")
			.add("updated_at = now()")
			.add("change_seq = (SELECT change_seq FROM owner)");
		String sql = "WITH owner AS (" + UserRepository.ADVANCE_CHANGE_SEQ + "),\nchanged AS (UPDATE tasks SET "
				+ assignments + " WHERE user_id = :userId AND id = :id" + ifVersion(versions) + " RETURNING " + COLUMNS
				+ "),\n" + NOTIFY.formatted("changed") + "\nSELECT changed.* FROM changed, notified";
		GenericExecuteSpec spec = bindVersions(this.db.sql(sql).bind("userId", userId).bind("id", id), versions);
		return bindAll(spec, changes.values()).map(TaskRepository::task).one();
	}

	Mono<Task> toggleCompleted(String userId, long id) {
		return toggleCompleted(userId, id, null);
	}

	Mono<Task> toggleCompleted(String userId, long id, Integer @Nullable [] versions) {
		String sql = toggleStatement(versions);
		return bindVersions(this.db.sql(sql).bind("userId", userId).bind("id", id), versions).map(TaskRepository::task)
			.one();
	}

	/** The toggle's statement, for a test that runs it in a transaction of its own. */
	static String toggleStatement(Integer @Nullable [] versions) {
		return TOGGLE_COMPLETED.replace("WHERE user_id = :userId AND id = :id\n",
				"WHERE user_id = :userId AND id = :id" + ifVersion(versions) + "\n");
	}

	Mono<Boolean> delete(String userId, long id) {
		return delete(userId, id, null);
	}

	Mono<Boolean> delete(String userId, long id, Integer @Nullable [] versions) {
		String sql = DELETE.formatted("user_id = :userId AND id = :id" + ifVersion(versions),
				NOTIFY.formatted("tombstones"));
		return bindVersions(this.db.sql(sql).bind("userId", userId).bind("id", id), versions)
			.map((row) -> row.get(0, Long.class))
			.one()
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
		return this.db.sql(DELETE_COMPLETED).bind("userId", userId).map((row) -> row.get(0, Long.class)).one();
	}

	/**
	 * Every task of the user, in creation order, as a stream: rows are read as the
	 * subscriber asks for them.
	 */
	Flux<Task> export(String userId) {
		return this.db.sql(EXPORT).bind("userId", userId).map(TaskRepository::task).all();
	}

	/**
	 * Sets completed on every given task of the user, or on none if any is not theirs.
	 */
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
	 * One page of the caller's tasks. Each row also carries whether another page follows
	 * and where this one ends, so that the {@code Link} header comes from a single
	 * statement and a single snapshot.
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

	/**
	 * The statement of {@link #findPage}: every condition is one that every list index
	 * can apply within the owner's range, so that no combination leaves it
	 * ({@code TaskListPlanTests}).
	 */
	static PageStatement pageStatement(String userId, TaskListQuery query) {
		TaskSort sort = query.sort();
		Map<String, Parameter> parameters = new LinkedHashMap<>();
		parameters.put("userId", Parameter.from(userId));
		parameters.put("limit", Parameter.from(query.limit()));
		parameters.put("fetch", Parameter.from(query.limit() + 1));
		parameters.put("offset", Parameter.from(query.offset()));
		StringBuilder where = new StringBuilder("user_id = :userId");
		where.append(switch (query.status()) {
			case ALL -> "";
			case PENDING -> " AND NOT completed";
			case COMPLETED -> " AND completed";
		});
		appendFilters(where, parameters, query.filters());
		Position after = query.after();
		if (after != null) {
			where.append(" AND (")
				.append(sortKey(sort, sort.field().name))
				.append(", id) ")
				.append(sort.descending() ? "<" : ">")
				.append(" (")
				.append(sortKey(sort,
						(sort.field() == TaskSort.Field.DUE_DATE) ? "CAST(:afterValue AS timestamptz)" : ":afterValue"))
				.append(", :afterId)");
			parameters.put("afterValue", Parameter.fromOrEmpty(after.value(), sort.field().type));
			parameters.put("afterId", Parameter.from(after.id()));
		}
		// The window sees the one row past the page (the inner LIMIT) before the outer
		// LIMIT drops it
		String sql = """
				SELECT t.*, count(*) OVER () AS page_rows,
				  nth_value(t.%1$s, :limit) OVER page AS last_value, nth_value(t.id, :limit) OVER page AS last_id
				FROM (SELECT %2$s FROM tasks WHERE %3$s ORDER BY %4$s LIMIT :fetch OFFSET :offset) t
				WINDOW page AS (ORDER BY %5$s ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
				ORDER BY %5$s
				LIMIT :limit""".formatted(sort.field().name, COLUMNS, where, orderBy(sort, ""), orderBy(sort, "t."));
		return new PageStatement(sql, parameters);
	}

	/**
	 * The filters, each a condition added to the owner's with {@code AND}, and their
	 * values.
	 */
	private static void appendFilters(StringBuilder where, Map<String, Parameter> parameters, TaskFilters filters) {
		if (!filters.priorities().isEmpty()) {
			where.append(" AND priority = ANY(:priorities)");
			parameters.put("priorities",
					Parameter.from(filters.priorities().stream().map(Priority::code).toArray(Short[]::new)));
		}
		if (!filters.tags().isEmpty()) {
			where.append(" AND tags @> CAST(:tags AS text[])");
			parameters.put("tags", Parameter.from(filters.tags().toArray(String[]::new)));
		}
		if (filters.dueBefore() != null) {
			where.append(" AND due_date < :dueBefore");
			parameters.put("dueBefore", Parameter.from(filters.dueBefore()));
		}
		if (filters.dueAfter() != null) {
			where.append(" AND due_date >= :dueAfter");
			parameters.put("dueAfter", Parameter.from(filters.dueAfter()));
		}
		if (filters.overdue() != null) {
			where.append(filters.overdue() ? " AND NOT completed AND due_date < now()"
					: " AND (completed OR due_date IS NULL OR due_date >= now())");
		}
		if (filters.text() != null) {
			// The expression of tasks_user_search_idx, so that the search can use it
			// (002-task-search.sql)
			where.append(" AND todo_search_vector(title, description) @@ todo_search_query(:text)");
			parameters.put("text", Parameter.from(filters.text()));
		}
	}

	/**
	 * The sort key of a column or parameter: each has an index of its own (see the
	 * changelog), and tasks with no due date sort last in both directions by standing in
	 * for +/- infinity.
	 */
	static String sortKey(TaskSort sort, String column) {
		return switch (sort.field()) {
			case DUE_DATE -> "coalesce(" + column + ", '" + (sort.descending() ? "-" : "") + "infinity'::timestamptz)";
			case TITLE -> "lower(" + column + ")";
			default -> column;
		};
	}

	static String orderBy(TaskSort sort, String qualifier) {
		String direction = sort.descending() ? " DESC" : " ASC";
		return sortKey(sort, qualifier + sort.field().name) + direction + ", " + qualifier + "id" + direction;
	}

	record PageStatement(String sql, Map<String, Parameter> parameters) {
	}

	/**
	 * A task of a page, with the position of the page's end when another page follows.
	 */
	record PageRow(Task task, @Nullable Position next) {
	}

	/**
	 * The lowest change of the user that is not visible yet: a sync token's floor (see
	 * {@link TaskChangeFeed}); 1 for a user without a row.
	 */
	Mono<Long> floor(String userId) {
		return this.db.sql(FLOOR).bind("userId", userId).map((row) -> row.get(0, Long.class)).one().defaultIfEmpty(1L);
	}

	/**
	 * The caller's changes since a sync token, tasks and tombstones, in
	 * {@code change_seq, id} order after the page the token continues; at most
	 * {@code fetch}.
	 */
	Flux<Change> changes(String userId, SyncToken token, int fetch) {
		Page page = token.page();
		String taskSince;
		String tombstoneSince;
		if (token.floor() != null) {
			taskSince = tombstoneSince = " AND change_seq >= :floor";
		}
		else if (token.since() != null) {
			taskSince = " AND updated_at > :since";
			tombstoneSince = " AND deleted_at > :since";
		}
		else {
			taskSince = "";
			tombstoneSince = null;
		}
		String after = (page != null) ? " AND (change_seq, %s) > (:afterSeq, :afterId)" : "";
		String sql = """
				(SELECT change_seq, false AS deleted, %s FROM tasks
				 WHERE user_id = :userId%s%s ORDER BY change_seq, id LIMIT :fetch)""".formatted(COLUMNS, taskSince,
				after.formatted("id"));
		if (tombstoneSince != null) {
			sql = """
					SELECT * FROM (%s
					UNION ALL
					(SELECT change_seq, true, task_id, user_id, NULL, NULL, NULL, NULL, NULL, NULL,
					   NULL, deleted_at, NULL, NULL FROM task_tombstones
					 WHERE user_id = :userId%s%s ORDER BY change_seq, task_id LIMIT :fetch)) AS changes
					ORDER BY change_seq, id LIMIT :fetch""".formatted(sql, tombstoneSince, after.formatted("task_id"));
		}
		GenericExecuteSpec spec = this.db.sql(sql).bind("userId", userId).bind("fetch", fetch);
		if (token.floor() != null) {
			spec = spec.bind("floor", token.floor());
		}
		else if (token.since() != null) {
			spec = spec.bind("since", token.since());
		}
		if (page != null) {
			spec = spec.bind("afterSeq", page.afterSeq()).bind("afterId", page.afterId());
		}
		return spec.map((row) -> {
			long seq = row.get(0, Long.class);
			Object body = Boolean.TRUE.equals(row.get(1, Boolean.class))
					? new Tombstone(row.get("id", Long.class), true, row.get("updated_at", Instant.class))
					: taskAt(row, 2);
			return new Change(seq, row.get("id", Long.class), body);
		}).all();
	}

	/** A deleted task, as a sync reports it. */
	record Tombstone(long id, boolean deleted, Instant updatedAt) {
	}

	/**
	 * A change of a sync: a {@link Task} or a {@link Tombstone}, with its number in the
	 * owner's changes.
	 */
	record Change(long seq, long id, Object body) {
	}

	/**
	 * Claims an idempotency key for the caller, creating their users row if needed; false
	 * when the key is taken or the caller has used their quota of keys (see
	 * {@link IdempotentCreates}).
	 */
	Mono<Boolean> claimKey(Caller owner, String key, byte[] requestHash) {
		return UserRepository.bindOwner(this.db.sql(CLAIM_KEY), owner)
			.bind("key", key)
			.bind("hash", requestHash)
			.bind("maxKeys", this.quotas.idempotencyKeys())
			.map((row) -> true)
			.one()
			.defaultIfEmpty(false);
	}

	/** Keeps the answer to the request that claimed the key. */
	Mono<Long> recordAnswer(String userId, String key, String location, String response) {
		return this.db.sql(RECORD_ANSWER)
			.bind("location", location)
			.bind("response", response)
			.bind("userId", userId)
			.bind("key", key)
			.fetch()
			.rowsUpdated();
	}

	Mono<KeyRow> findKey(String userId, String key) {
		return this.db.sql(FIND_KEY)
			.bind("userId", userId)
			.bind("key", key)
			.map((row) -> new KeyRow(row.get("request_hash", byte[].class), row.get("location", String.class),
					row.get("response", String.class)))
			.one();
	}

	/** A claimed key: the hash of its request and, once recorded, its answer. */
	record KeyRow(byte[] requestHash, @Nullable String location, @Nullable String response) {
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
	 * The task of a row whose {@link #COLUMNS} start at the given index: by position, as
	 * a page reads 50 rows of 12 columns and a lookup by name searches the row's columns
	 * each time.
	 */
	static Task taskAt(Readable row, int first) {
		return new Task(row.get(first, Long.class), row.get(first + 1, String.class), row.get(first + 2, String.class),
				row.get(first + 3, String.class), row.get(first + 4, Boolean.class),
				Priority.ofCode(row.get(first + 5, Short.class)), row.get(first + 6, Instant.class),
				List.of(row.get(first + 7, String[].class)), row.get(first + 8, Instant.class),
				row.get(first + 9, Instant.class), row.get(first + 10, Instant.class),
				row.get(first + 11, Integer.class));
	}

}
