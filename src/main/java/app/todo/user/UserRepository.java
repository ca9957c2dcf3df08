package app.todo.user;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import app.todo.security.Caller;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;

/**
 * Every statement on the users table. A user's row is written by whichever comes first:
 * their first task or idempotency key (inside that statement, see {@link #CREATE_OWNER}),
 * their sign-up ({@link #CREATE_FROM_ACCOUNT}), or the profile a token carries
 * ({@link #saveProfile}); reads need no row, so provisioning costs them nothing. The row
 * also holds the user's change counter ({@code change_seq}) and counts of tasks and
 * tombstones, which the statements that change tasks advance (changelog 010): each takes
 * the row's lock first, so that a user's changes are serialised and numbered in the order
 * they commit.
 */
@Repository
public class UserRepository {

	/**
	 * The owner's row, created with the token's {@code :userId}, {@code :email} and
	 * {@code :name} (see {@link #bindOwner}) unless it exists, and counting the tasks the
	 * enclosing statement adds: the one fragment every "create the owner's row" shares.
	 */
	private static final String OWNER = """
			INSERT INTO users (id, email, name, task_count, change_seq) VALUES (:userId, :email, :name, %d, 1)
			ON CONFLICT (id) %s""";

	/**
	 * A data-modifying CTE that makes sure the owner's row exists, for another table's
	 * insert.
	 */
	public static final String CREATE_OWNER = OWNER.formatted(0, "DO NOTHING");

	/**
	 * Like {@link #CREATE_OWNER}, and counts one task on the row, only below the quotas
	 * ({@code :maxTasks}, {@code :maxDeletedTasks}), and advances the change counter: the
	 * row is locked and the condition read from its latest version, so two creates at
	 * once cannot both take the last place. Returns the owner's id and the new task's
	 * {@code change_seq}, or no row when a quota is met.
	 */
	public static final String CREATE_OWNER_COUNTING_TASK = OWNER.formatted(1, """
			DO UPDATE SET task_count = users.task_count + 1, change_seq = users.change_seq + 1
			  WHERE users.task_count < :maxTasks AND users.tombstone_count < :maxDeletedTasks
			RETURNING id, change_seq""");

	/**
	 * Like {@link #CREATE_OWNER_COUNTING_TASK} for {@code :count} tasks at once (an
	 * import), which the caller has checked to be at most {@code :maxTasks}.
	 */
	public static final String CREATE_OWNER_COUNTING_TASKS = """
			INSERT INTO users (id, email, name, task_count, change_seq) VALUES (:userId, :email, :name, :count, 1)
			ON CONFLICT (id) DO UPDATE SET task_count = users.task_count + :count, change_seq = users.change_seq + 1
			  WHERE users.task_count + :count <= :maxTasks AND users.tombstone_count < :maxDeletedTasks
			RETURNING id, change_seq""";

	/**
	 * A data-modifying CTE for a statement that updates the tasks of {@code :userId}:
	 * locks the owner's row and advances its change counter, returning the new
	 * {@code change_seq}. Always one row: an upsert, as the user may have no row yet
	 * (then they have no task either, and the statement changes nothing). Being an INSERT
	 * also keeps the statement from being one router plan on Citus, whose router planner
	 * takes no INSERT in a CTE: its parts run on the user's shard one after the other and
	 * its outer SELECT, which announces the change ({@code pg_notify}), on the
	 * coordinator, where the instances listen (docs/architecture.md).
	 */
	public static final String ADVANCE_CHANGE_SEQ = """
			INSERT INTO users (id, change_seq) VALUES (:userId, 1)
			ON CONFLICT (id) DO UPDATE SET change_seq = users.change_seq + 1
			RETURNING change_seq""";

	/**
	 * The row of a new account, from a CTE named {@code account} that returns the new
	 * credentials' {@code user_id} (none when the email is taken); binds {@code :email}
	 * and {@code :name}.
	 */
	public static final String CREATE_FROM_ACCOUNT = """
			INSERT INTO users (id, email, name) SELECT user_id, :email, :name FROM account
			RETURNING id""";

	/*
	 * A token without an email or name (a backend's HS256 token, say) keeps the ones an
	 * earlier token gave, and a row the token would not change is not rewritten.
	 */
	private static final String SAVE_PROFILE = """
			INSERT INTO users (id, email, name) VALUES (:userId, :email, :name)
			ON CONFLICT (id) DO UPDATE
			SET email = coalesce(excluded.email, users.email), name = coalesce(excluded.name, users.name)
			WHERE (users.email, users.name)
			  IS DISTINCT FROM (coalesce(excluded.email, users.email), coalesce(excluded.name, users.name))
			""";

	private static final String FIND = "SELECT email, name FROM users WHERE id = :userId";

	/*
	 * Three statements, each on one kind of table (on Citus: event tickets and
	 * credentials on the coordinator, users distributed), in the caller's transaction.
	 * Tasks, tombstones (none is left: the user is gone) and idempotency keys go with the
	 * users row (ON DELETE CASCADE); event tickets and credentials have no foreign key.
	 */
	private static final String DELETE_TICKETS = "DELETE FROM event_tickets WHERE user_id = :userId";

	private static final String DELETE_CREDENTIALS = "DELETE FROM credentials WHERE user_id = :userId";

	private static final String DELETE = "DELETE FROM users WHERE id = :userId";

	private static final String TASK_COUNTS = "SELECT task_count, tombstone_count FROM users WHERE id = :userId";

	private final DatabaseClient db;

	UserRepository(DatabaseClient db) {
		this.db = db;
	}

	/**
	 * Binds the owner's {@code :userId}, {@code :email} and {@code :name} of
	 * {@link #CREATE_OWNER}.
	 */
	public static GenericExecuteSpec bindOwner(GenericExecuteSpec spec, Caller owner) {
		return spec.bind("userId", owner.id())
			.bind("email", Parameter.fromOrEmpty(owner.email(), String.class))
			.bind("name", Parameter.fromOrEmpty(owner.name(), String.class));
	}

	/**
	 * How many tasks and tombstones the user's row counts; empty when there is no row.
	 */
	public Mono<TaskCounts> taskCounts(String userId) {
		return this.db.sql(TASK_COUNTS)
			.bind("userId", userId)
			.map((row) -> new TaskCounts(row.get("task_count", Integer.class),
					row.get("tombstone_count", Integer.class)))
			.one();
	}

	/** The email and name of the caller's row, where the caller's token has none. */
	Mono<User> find(Caller caller) {
		return this.db.sql(FIND)
			.bind("userId", caller.id())
			.map((row) -> new User(caller.id(), first(caller.email(), row.get("email", String.class)),
					first(caller.name(), row.get("name", String.class))))
			.one();
	}

	/** Writes the token's email and name on the caller's row, creating it if needed. */
	Mono<Long> saveProfile(Caller caller) {
		return bindOwner(this.db.sql(SAVE_PROFILE), caller).fetch().rowsUpdated();
	}

	/** Everything the user keeps, in the caller's transaction. */
	Mono<Long> delete(String userId) {
		return this.db.sql(DELETE_TICKETS)
			.bind("userId", userId)
			.fetch()
			.rowsUpdated()
			.then(this.db.sql(DELETE_CREDENTIALS).bind("userId", userId).fetch().rowsUpdated())
			.then(this.db.sql(DELETE).bind("userId", userId).fetch().rowsUpdated());
	}

	private static @Nullable String first(@Nullable String preferred, @Nullable String fallback) {
		return (preferred != null) ? preferred : fallback;
	}

	/** The counts of a user's row that the quotas read. */
	public record TaskCounts(int tasks, int tombstones) {
	}

}
