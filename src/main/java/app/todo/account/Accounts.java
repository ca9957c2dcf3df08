package app.todo.account;

import java.security.SecureRandom;

import reactor.core.publisher.Mono;

import app.todo.account.AccountRepository.Credentials;
import app.todo.user.User;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * Signing up and signing in. A wrong password and an unknown email end alike: the same
 * {@code 401}, after the same hashing work, and both count against the failure limit.
 */
final class Accounts {

	private static final char[] ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
		.toCharArray();

	private static final int ID_LENGTH = 32;

	private final AccountRepository repository;

	private final PasswordHasher hasher;

	private final SignInLimiter limiter;

	private final AccountTokens tokens;

	private final SecureRandom random = new SecureRandom();

	Accounts(AccountRepository repository, PasswordHasher hasher, SignInLimiter limiter, AccountTokens tokens) {
		this.repository = repository;
		this.hasher = hasher;
		this.limiter = limiter;
		this.tokens = tokens;
	}

	Mono<SignedIn> signUp(SignUp request) {
		// The id is drawn on the hashing pool too: SecureRandom may read from the OS
		return this.hasher
			.hash(request.password(),
					(hash) -> new Credentials(new User(newId(), request.email(), request.name()), hash))
			.flatMap((credentials) -> this.repository.create(credentials.user(), credentials.passwordHash()))
			.switchIfEmpty(Mono.error(EmailTakenException::new))
			.map(this::signedIn);
	}

	/**
	 * The attempt is reserved against the limits before the password is hashed, and given
	 * back only when the password was right or was never checked (the hashing pool was
	 * full).
	 */
	Mono<SignedIn> signIn(SignIn request, String address) {
		return this.repository.find(request.email()).flatMap((account) -> {
			SignInLimiter.Attempt attempt = this.limiter.reserve(account.key(), address);
			Credentials credentials = account.credentials();
			Mono<Boolean> check = this.hasher.matches(request.password(),
					(credentials != null) ? credentials.passwordHash() : null);
			if (!attempt.delay().isZero()) {
				check = Mono.delay(attempt.delay()).then(check);
			}
			return check.doOnError((ex) -> attempt.cancelled()).flatMap((matches) -> {
				if (!matches || credentials == null) {
					attempt.failed();
					return Mono.error(new InvalidCredentialsException());
				}
				attempt.succeeded();
				return Mono.just(signedIn(credentials.user()));
			});
		});
	}

	private SignedIn signedIn(User user) {
		return new SignedIn(this.tokens.issue(user), user);
	}

	private String newId() {
		char[] id = new char[ID_LENGTH];
		for (int i = 0; i < id.length; i++) {
			id[i] = ID_ALPHABET[this.random.nextInt(ID_ALPHABET.length)];
		}
		return new String(id);
	}

	record SignedIn(String token, User user) {
	}

	static final class EmailTakenException extends ErrorResponseException {

		EmailTakenException() {
			super(HttpStatus.CONFLICT);
			getBody().setDetail("An account with this email already exists.");
		}

	}

	static final class InvalidCredentialsException extends ErrorResponseException {

		InvalidCredentialsException() {
			super(HttpStatus.UNAUTHORIZED);
			getBody().setDetail("The email or the password is wrong.");
		}

	}

}
