package app.todo.account;

import java.util.List;

import reactor.core.publisher.Mono;

import app.todo.web.ClientAddressResolver;
import app.todo.web.JsonBodyReader;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Sign-up, sign-in and the public keys of the API's own tokens.
 */
final class AccountHandler {

	private static final List<MediaType> JSON = List.of(MediaType.APPLICATION_JSON);

	private final Accounts accounts;

	private final AccountTokens tokens;

	private final JsonBodyReader bodies;

	private final ClientAddressResolver clientAddress;

	AccountHandler(Accounts accounts, AccountTokens tokens, JsonBodyReader bodies,
			ClientAddressResolver clientAddress) {
		this.accounts = accounts;
		this.tokens = tokens;
		this.bodies = bodies;
		this.clientAddress = clientAddress;
	}

	Mono<ServerResponse> signUp(ServerRequest request) {
		return this.bodies.readObject(request, JSON)
			.map(SignUp::from)
			.flatMap(this.accounts::signUp)
			.flatMap((signedIn) -> token(HttpStatus.CREATED, signedIn));
	}

	Mono<ServerResponse> signIn(ServerRequest request) {
		String address = this.clientAddress.key(request);
		return this.bodies.readObject(request, JSON)
			.map(SignIn::from)
			.flatMap((signIn) -> this.accounts.signIn(signIn, address))
			.flatMap((signedIn) -> token(HttpStatus.OK, signedIn));
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

	private static Mono<ServerResponse> token(HttpStatus status, Accounts.SignedIn signedIn) {
		return ServerResponse.status(status)
			.contentType(MediaType.APPLICATION_JSON)
			.cacheControl(CacheControl.noStore())
			.bodyValue(signedIn);
	}

}
