package app.todo.account;

import java.util.Optional;

import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import app.todo.user.User;
import app.todo.user.UserRepository;

import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Accounts are users rows with a credentials row. Emails are unique whatever their case
 * (an index on {@code lower(email)}), so two sign-ups of one email race in PostgreSQL,
 * not here. On Citus, credentials stays a table of the coordinator (changelog 010): the
 * email index holds for all users, and the lookup by email reads it there.
 */
final class AccountRepository {

	/*
	 * The credentials row goes first: when the email is taken it inserts nothing, and so
	 * neither does the users row that goes with it.
	 */
	private static final String CREATE = """
			WITH account AS (
			  INSERT INTO credentials (user_id, email, password_hash) VALUES (:id, :email, :hash)
			  ON CONFLICT ((lower(email))) DO NOTHING
			  RETURNING user_id
			)
			%s""".formatted(UserRepository.CREATE_FROM_ACCOUNT);

	/*
	 * One row whether or not the email has an account: the email as PostgreSQL folds it,
	 * which is what makes two spellings one account, and so the key its failed sign-ins
	 * count against (Java's toLowerCase folds some letters otherwise, such as the dotted
	 * capital I). The name is read by a second statement, only for an account: joined
	 * here, on Citus an outer join of the email with the distributed users table would
	 * read every user's row.
	 */
	private static final String FIND = """
			SELECT k.key, c.user_id, c.email, c.password_hash
			FROM (SELECT lower(:email) AS key) k LEFT JOIN credentials c ON lower(c.email) = k.key""";

	private static final String NAME = "SELECT name FROM users WHERE id = :id";

	/*
	 * The caller's account, keyed as FIND keys it, for a password change; the name read
	 * as for FIND (on Citus, credentials is a table of the coordinator and users is
	 * distributed).
	 */
	private static final String FIND_BY_ID = """
			SELECT lower(c.email) AS key, c.user_id, c.email, c.password_hash
			FROM credentials c WHERE c.user_id = :userId""";

	/* Only over the hash that was checked: of two changes at once, one wins. */
	private static final String CHANGE_PASSWORD = """
			UPDATE credentials SET password_hash = :hash WHERE user_id = :userId AND password_hash = :checked""";

	private final DatabaseClient db;

	AccountRepository(DatabaseClient db) {
		this.db = db;
	}

	/** Empty when the email is taken. */
	Mono<User> create(User user, String passwordHash) {
		return this.db.sql(CREATE)
			.bind("id", user.id())
			.bind("email", user.email())
			.bind("name", user.name())
			.bind("hash", passwordHash)
			.map((row) -> row.get("id", String.class))
			.one()
			.map((id) -> user);
	}

	/** The account of this email, if any, and its key. */
	Mono<Lookup> find(String email) {
		return this.db.sql(FIND).bind("email", email).map(AccountRepository::lookup).one().flatMap(this::withName);
	}

	/** The user's account; empty when they have none here (a Better Auth user). */
	Mono<Lookup> findById(String userId) {
		return this.db.sql(FIND_BY_ID)
			.bind("userId", userId)
			.map(AccountRepository::lookup)
			.one()
			.flatMap(this::withName);
	}

	/**
	 * The lookup with the account's name, from the users row; as it is without account.
	 */
	private Mono<Lookup> withName(Lookup lookup) {
		Credentials credentials = lookup.credentials();
		if (credentials == null) {
			return Mono.just(lookup);
		}
		User user = credentials.user();
		return this.db.sql(NAME)
			.bind("id", user.id())
			.map((row) -> Optional.ofNullable(row.get("name", String.class)))
			.one()
			.defaultIfEmpty(Optional.empty())
			.map((name) -> new Lookup(lookup.key(),
					new Credentials(new User(user.id(), user.email(), name.orElse(null)), credentials.passwordHash())));
	}

	/**
	 * Replaces the password hash if it is still the one checked, in the caller's
	 * transaction; false when another change came first.
	 */
	Mono<Boolean> changePassword(String userId, String checked, String hash) {
		return this.db.sql(CHANGE_PASSWORD)
			.bind("userId", userId)
			.bind("checked", checked)
			.bind("hash", hash)
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows == 1);
	}

	/** Without the name, which {@link #withName} adds. */
	private static Lookup lookup(Readable row) {
		String userId = row.get("user_id", String.class);
		Credentials credentials = (userId != null) ? new Credentials(
				new User(userId, row.get("email", String.class), null), row.get("password_hash", String.class)) : null;
		return new Lookup(row.get("key", String.class), credentials);
	}

	record Credentials(User user, String passwordHash) {
	}

	/**
	 * @param key the email as PostgreSQL folds it: one key per account, whatever its
	 * spelling
	 * @param credentials the account, or null when the email has none
	 */
	record Lookup(String key, @Nullable Credentials credentials) {
	}

}
