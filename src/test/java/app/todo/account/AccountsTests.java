package app.todo.account;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import app.todo.ApiTestSupport;
import app.todo.account.AccountProperties.FailedSignIns;
import app.todo.account.Accounts.InvalidCredentialsException;
import app.todo.account.PasswordHasherTests.RecordingEncoder;
import app.todo.security.TokenRevocations;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.transaction.reactive.TransactionalOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sign-in on the real database with an encoder that records its calls: an unknown email
 * costs exactly the hashing work of a wrong password, on the hashing pool.
 */
class AccountsTests extends ApiTestSupport {

	@Autowired
	private DatabaseClient db;

	@Autowired
	private AccountTokens tokens;

	@Autowired
	private RefreshTokens refreshTokens;

	@Autowired
	private TokenRevocations revocations;

	@Autowired
	private TransactionalOperator transactions;

	@Test
	void signInWhenUnknownEmailThenTheSameHashingWorkAsAWrongPassword() {
		List<String> threads = new CopyOnWriteArrayList<>();
		RecordingEncoder encoder = new RecordingEncoder(Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8(),
				threads);
		PasswordHasher hasher = new PasswordHasher(encoder, 1, 10);
		Accounts accounts = new Accounts(new AccountRepository(this.db), hasher,
				new SignInLimiter(new FailedSignIns(100, 100, 100, Duration.ofSeconds(30), Duration.ofMinutes(1),
						Duration.ofDays(30), 100), new SimpleMeterRegistry()),
				this.tokens, this.refreshTokens, this.revocations, this.transactions);
		try {
			String email = AccountApiTests.newEmail();
			StepVerifier.create(accounts.signUp(new SignUp(email, "the right password", "Known")))
				.expectNextCount(1)
				.verifyComplete();
			threads.clear();
			encoder.matchedHashes.clear();
			StepVerifier.create(accounts.signIn(new SignIn(email, "a wrong password"), "192.0.2.1"))
				.expectError(InvalidCredentialsException.class)
				.verify(Duration.ofSeconds(30));
			StepVerifier
				.create(accounts.signIn(new SignIn(AccountApiTests.newEmail(), "a wrong password"), "192.0.2.1"))
				.expectError(InvalidCredentialsException.class)
				.verify(Duration.ofSeconds(30));
			assertThat(encoder.matchedHashes).hasSize(2);
			String parameters = "$argon2id$v=19$m=16384,t=2,p=1$";
			assertThat(encoder.matchedHashes).allMatch((hash) -> hash.startsWith(parameters));
			assertThat(encoder.matchedHashes.get(0).length()).isEqualTo(encoder.matchedHashes.get(1).length());
			assertThat(threads).hasSize(2).allMatch((thread) -> thread.startsWith("password-hashing"));
		}
		finally {
			hasher.dispose();
		}
	}

	@Test
	void signUpThenArgon2idHashStoredAndTheSameEmailInAnotherCaseTaken() {
		String email = AccountApiTests.newEmail();
		PasswordHasher hasher = new PasswordHasher(Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8(), 1, 10);
		Accounts accounts = new Accounts(new AccountRepository(this.db), hasher,
				new SignInLimiter(new FailedSignIns(5, 20, 100, Duration.ofSeconds(30), Duration.ofMinutes(1),
						Duration.ofDays(30), 100), new SimpleMeterRegistry()),
				this.tokens, this.refreshTokens, this.revocations, this.transactions);
		try {
			StepVerifier.create(accounts.signUp(new SignUp(email, "the right password", "Known")))
				.expectNextCount(1)
				.verifyComplete();
			String stored = this.db.sql("SELECT password_hash FROM credentials WHERE email = :email")
				.bind("email", email)
				.map((row) -> row.get(0, String.class))
				.one()
				.block(Duration.ofSeconds(10));
			assertThat(stored).startsWith("$argon2id$").doesNotContain("the right password");
			StepVerifier.create(accounts.signUp(new SignUp(email.toUpperCase(), "another password", "Twin")))
				.expectError(Accounts.EmailTakenException.class)
				.verify(Duration.ofSeconds(30));
		}
		finally {
			hasher.dispose();
		}
	}

}
