package app.todo.account;

import java.security.SecureRandom;
import java.util.Map;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import app.todo.account.AccountRepository.Credentials;
import app.todo.account.AccountRepository.Lookup;
import app.todo.database.Uncancellable;
import app.todo.security.TokenRevocations;
import app.todo.user.User;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.ErrorResponseException;

/**
 * Signing up and signing in, refreshing and changing the password. A wrong password and
 * an unknown email end alike: the same {@code 401}, after the same hashing work, and both
 * count against the failure limit; so does a wrong current password of a password change.
 * Each sign-up and sign-in starts a session: a short-lived access token and a refresh
 * token ({@link RefreshTokens}).
 */
final class Accounts {

	private static final char[] ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
		.toCharArray();

	private static final int ID_LENGTH = 32;

	private final AccountRepository repository;

	private final PasswordHasher hasher;

	private final SignInLimiter limiter;

	private final AccountTokens tokens;

	private final RefreshTokens refreshTokens;

	private final TokenRevocations revocations;

	private final TransactionalOperator transactions;

	private final SecureRandom random = new SecureRandom();

	Accounts(AccountRepository repository, PasswordHasher hasher, SignInLimiter limiter, AccountTokens tokens,
			RefreshTokens refreshTokens, TokenRevocations revocations, TransactionalOperator transactions) {
		this.repository = repository;
		this.hasher = hasher;
		this.limiter = limiter;
		this.tokens = tokens;
		this.refreshTokens = refreshTokens;
		this.revocations = revocations;
		this.transactions = transactions;
	}

	Mono<Session> signUp(SignUp request) {
		// The id is drawn on the hashing pool too: SecureRandom may read from the OS
		return this.hasher
			.hash(request.password(),
					(hash) -> new Credentials(new User(newId(), request.email(), request.name()), hash))
			.flatMap((credentials) -> this.repository.create(credentials.user(), credentials.passwordHash()))
			.switchIfEmpty(Mono.error(EmailTakenException::new))
			.flatMap(this::startSession);
	}

	/**
	 * The attempt is reserved against the limits before the password is hashed, and given
	 * back only when the password was right or was never checked (the hashing pool was
	 * full).
	 */
	Mono<Session> signIn(SignIn request, String address) {
		return this.repository.find(request.email())
			.flatMap((account) -> check(account, request.password(), address, InvalidCredentialsException::new))
			.flatMap((credentials) -> startSession(credentials.user()));
	}

	/**
	 * The account's credentials when the password is theirs; the error otherwise, the
	 * attempt counted against the limits.
	 */
	private Mono<Credentials> check(Lookup account, String password, String address,
			Supplier<ErrorResponseException> wrong) {
		SignInLimiter.Attempt attempt = this.limiter.reserve(account.key(), address);
		Credentials credentials = account.credentials();
		Mono<Boolean> check = this.hasher.matches(password, (credentials != null) ? credentials.passwordHash() : null);
		if (!attempt.delay().isZero()) {
			check = Mono.delay(attempt.delay()).then(check);
		}
		return check.doOnError((ex) -> attempt.cancelled()).flatMap((matches) -> {
			if (!matches || credentials == null) {
				attempt.failed();
				return Mono.error(wrong.get());
			}
			attempt.succeeded();
			return Mono.just(credentials);
		});
	}

	/**
	 * A new access token and the next refresh token of the presented one's family; a
	 * {@code 401} when it is missing, unknown, expired, revoked or already used (which
	 * ends its family).
	 */
	Mono<Session> refresh(@Nullable String refreshToken) {
		if (refreshToken == null) {
			return Mono.error(RefreshRefusedException::new);
		}
		return Uncancellable.of(this.refreshTokens.rotate(refreshToken))
			.map((rotated) -> new Session(
					new SignedIn(this.tokens.issue(rotated.user(), rotated.revokedBefore()), rotated.user()),
					rotated.token()))
			.switchIfEmpty(Mono.error(RefreshRefusedException::new));
	}

	/**
	 * Checks the current password (counted as a sign-in), then in one transaction stores
	 * the new one's hash, refuses every token issued so far (access tokens through
	 * {@link TokenRevocations}, on every replica; refresh tokens by ending every family)
	 * and starts a new session, whose tokens are the only ones that work afterwards.
	 */
	Mono<Session> changePassword(String userId, PasswordChange change, String address) {
		return this.repository.findById(userId)
			.switchIfEmpty(Mono.error(NoPasswordHereException::new))
			.flatMap((account) -> check(account, change.currentPassword(), address, WrongPasswordException::new))
			.flatMap((credentials) -> this.hasher.hash(change.newPassword(), (hash) -> hash)
				.flatMap((hash) -> Uncancellable.of(this.transactions
					.transactional(this.repository.changePassword(userId, credentials.passwordHash(), hash)
						.flatMap((changed) -> changed ? this.revocations.revokeAll(userId)
								: Mono.error(new PasswordChangedMeanwhileException()))
						.flatMap((after) -> this.refreshTokens.endAll(userId)
							.then(this.refreshTokens.start(userId))
							.map((started) -> Map.entry(after, started))))))
				.map((revoked) -> {
					this.revocations.remember(userId, revoked.getKey());
					RefreshTokens.Started started = revoked.getValue();
					User user = credentials.user();
					return new Session(new SignedIn(this.tokens.issue(user, started.revokedBefore()), user),
							started.token());
				}));
	}

	private Mono<Session> startSession(User user) {
		return Uncancellable.of(this.refreshTokens.start(user.id()))
			.map((started) -> new Session(new SignedIn(this.tokens.issue(user, started.revokedBefore()), user),
					started.token()));
	}

	private String newId() {
		char[] id = new char[ID_LENGTH];
		for (int i = 0; i < id.length; i++) {
			id[i] = ID_ALPHABET[this.random.nextInt(ID_ALPHABET.length)];
		}
		return new String(id);
	}

	/** The body of a sign-up, sign-in, refresh or password change. */
	record SignedIn(String token, User user) {

		@Override
		public String toString() {
			return "SignedIn[user=" + this.user.id() + "]";
		}

	}

	/** What a sign-in hands out: the body, and the refresh token for its cookie. */
	record Session(SignedIn signedIn, String refreshToken) {

		@Override
		public String toString() {
			return "Session[user=" + this.signedIn.user().id() + "]";
		}

	}

	static final class EmailTakenException extends ErrorResponseException {

		EmailTakenException() {
			super(HttpStatus.CONFLICT);
			getBody().setDetail("An account with this email already exists.");
		}

	}

	static final class RefreshRefusedException extends ErrorResponseException {

		RefreshRefusedException() {
			super(HttpStatus.UNAUTHORIZED);
			getBody().setDetail("The refresh cookie is missing, unknown, expired or revoked: sign in again.");
			// The browser stops sending a cookie that can never work again
			getHeaders().add(HttpHeaders.SET_COOKIE, RefreshCookie.cleared().toString());
		}

	}

	/**
	 * Not a 401, which would tell a client that its bearer token is no good (and many
	 * sign the user out on it).
	 */
	static final class WrongPasswordException extends ErrorResponseException {

		WrongPasswordException() {
			super(HttpStatus.FORBIDDEN);
			getBody().setDetail("The current password is wrong.");
		}

	}

	static final class NoPasswordHereException extends ErrorResponseException {

		NoPasswordHereException() {
			super(HttpStatus.FORBIDDEN);
			getBody().setDetail("This account has no password here: it signs in through its identity provider.");
		}

	}

	static final class PasswordChangedMeanwhileException extends ErrorResponseException {

		PasswordChangedMeanwhileException() {
			super(HttpStatus.CONFLICT);
			getBody().setDetail("The password was changed by another request meanwhile; sign in again.");
		}

	}

	static final class InvalidCredentialsException extends ErrorResponseException {

		InvalidCredentialsException() {
			super(HttpStatus.UNAUTHORIZED);
			getBody().setDetail("The email or the password is wrong.");
		}

	}

}
