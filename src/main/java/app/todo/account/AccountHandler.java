package app.todo.account;

import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import app.todo.database.Uncancellable;
import app.todo.security.Caller;
import app.todo.web.ClientAddressResolver;
import app.todo.web.JsonBodyReader;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Sign-up, sign-in, refresh, sign-out, the password change and the public keys of the
 * API's own tokens. Every answer that hands out tokens sets the refresh cookie
 * ({@link RefreshCookie}) beside the body's access token.
 */
final class AccountHandler {

	private static final List<MediaType> JSON = List.of(MediaType.APPLICATION_JSON);

	private final Accounts accounts;

	private final AccountTokens tokens;

	private final JsonBodyReader bodies;

	private final ClientAddressResolver clientAddress;

	private final RefreshTokens refreshTokens;

	AccountHandler(Accounts accounts, AccountTokens tokens, JsonBodyReader bodies, ClientAddressResolver clientAddress,
			RefreshTokens refreshTokens) {
		this.accounts = accounts;
		this.tokens = tokens;
		this.bodies = bodies;
		this.clientAddress = clientAddress;
		this.refreshTokens = refreshTokens;
	}

	Mono<ServerResponse> signUp(ServerRequest request) {
		return this.bodies.readObject(request, JSON)
			.map(SignUp::from)
			.flatMap(this.accounts::signUp)
			.flatMap((session) -> token(HttpStatus.CREATED, session));
	}

	Mono<ServerResponse> signIn(ServerRequest request) {
		String address = this.clientAddress.key(request);
		return this.bodies.readObject(request, JSON)
			.map(SignIn::from)
			.flatMap((signIn) -> this.accounts.signIn(signIn, address))
			.flatMap((session) -> token(HttpStatus.OK, session));
	}

	/** {@code POST /api/auth/refresh}: the cookie's token for new tokens. */
	Mono<ServerResponse> refresh(ServerRequest request) {
		return Mono.fromRunnable(() -> RefreshCookie.checkCsrfHeader(request))
			.then(Mono.defer(() -> this.accounts.refresh(RefreshCookie.read(request))))
			.flatMap((session) -> token(HttpStatus.OK, session));
	}

	/**
	 * {@code POST /api/auth/sign-out}: ends the cookie's session and clears the cookie,
	 * {@code 204} whether or not the cookie was still good, as a script cannot clear an
	 * {@code HttpOnly} cookie itself.
	 */
	Mono<ServerResponse> signOut(ServerRequest request) {
		return Mono.fromRunnable(() -> RefreshCookie.checkCsrfHeader(request))
			.thenMany(Flux.fromIterable(RefreshCookie.readAll(request)))
			.concatMap((token) -> Uncancellable.of(this.refreshTokens.end(token)))
			.then(Mono.defer(() -> ServerResponse.noContent()
				.cacheControl(CacheControl.noStore())
				.cookie(RefreshCookie.cleared())
				.build()));
	}

	/** {@code POST /api/me/password}: see {@link Accounts#changePassword}. */
	Mono<ServerResponse> changePassword(ServerRequest request) {
		String address = this.clientAddress.key(request);
		return Caller.of(request)
			.flatMap((caller) -> this.bodies.readObject(request, JSON)
				.map(PasswordChange::from)
				.flatMap((change) -> this.accounts.changePassword(caller.id(), change, address)))
			.flatMap((session) -> token(HttpStatus.OK, session));
	}

	/**
	 * Public keys only, cacheable: they change only with {@code ACCOUNTS_SIGNING_KEY}.
	 */
	Mono<ServerResponse> jwks(ServerRequest request) {
		return ServerResponse.ok()
			.contentType(MediaType.APPLICATION_JSON)
			.cacheControl(CacheControl.maxAge(java.time.Duration.ofMinutes(5)).cachePublic())
			.bodyValue(this.tokens.publicKeys().toJSONObject(true));
	}

	private Mono<ServerResponse> token(HttpStatus status, Accounts.Session session) {
		return ServerResponse.status(status)
			.contentType(MediaType.APPLICATION_JSON)
			.cacheControl(CacheControl.noStore())
			.cookie(RefreshCookie.of(session.refreshToken(), this.refreshTokens.lifetime()))
			.bodyValue(session.signedIn());
	}

}
