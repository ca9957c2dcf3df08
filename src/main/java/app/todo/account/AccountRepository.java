package app.todo.account;

import reactor.core.publisher.Mono;

import app.todo.user.User;

import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Accounts are users rows with a credentials row. Emails are unique whatever their case (an
 * index on {@code lower(email)}), so two sign-ups of one email race in PostgreSQL, not here.
 */
final class AccountRepository {

	/*
	 * The credentials row goes first: when the email is taken it inserts nothing, and so neither
	 * does the users row that depends on it. The foreign key is checked at the statement's end.
	 */
	private static final String CREATE = """
			WITH account AS (
			  INSERT INTO credentials (user_id, email, password_hash) VALUES (:id, :email, :hash)
			  ON CONFLICT ((lower(email))) DO NOTHING
			  RETURNING user_id
			)
			INSERT INTO users (id, email, name) SELECT user_id, :email, :name FROM account
			RETURNING id""";

	private static final String FIND = """
			SELECT c.user_id, c.email, c.password_hash, u.name
			FROM credentials c JOIN users u ON u.id = c.user_id
			WHERE lower(c.email) = lower(:email)""";

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

	/** Empty when no account has this email. */
	Mono<Credentials> find(String email) {
		return this.db.sql(FIND)
			.bind("email", email)
			.map((row) -> new Credentials(new User(row.get("user_id", String.class), row.get("email", String.class),
					row.get("name", String.class)), row.get("password_hash", String.class)))
			.one();
	}

	record Credentials(User user, String passwordHash) {
	}

}
