package app.todo.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

import app.todo.ApiTestSupport;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sessions of the built-in accounts through the real chain and PostgreSQL: the refresh
 * cookie that sign-up and sign-in set, its rotation and reuse detection, sign-out, the
 * password change that ends every session, and what the database keeps.
 */
class SessionApiTests extends ApiTestSupport {

	private static final String PASSWORD = "correct horse battery staple";

	private static final String NEW_PASSWORD = "a different long password";

	@Autowired
	private DatabaseClient db;

	@Autowired
	private RefreshTokens refreshTokens;

	@LocalServerPort
	private int port;

	// The cookie

	@Test
	void signUpAndSignInWhenRightThenRefreshCookieHttpOnlySecureStrictOnTheAuthPathForThirtyDays() {
		String email = AccountApiTests.newEmail();
		EntityExchangeResult<JsonNode> signedUp = signUp(email);
		EntityExchangeResult<JsonNode> signedIn = signIn(email, PASSWORD);
		for (EntityExchangeResult<JsonNode> result : List.of(signedUp, signedIn)) {
			ResponseCookie cookie = cookie(result);
			assertThat(cookie.getValue()).matches("[A-Za-z0-9]{32}\\.[0-9a-f-]{36}\\.[A-Za-z0-9_-]{43}");
			assertThat(cookie.isHttpOnly()).isTrue();
			assertThat(cookie.isSecure()).isTrue();
			assertThat(cookie.getSameSite()).isEqualTo("Strict");
			assertThat(cookie.getPath()).isEqualTo("/api/auth");
			assertThat(cookie.getDomain()).isNull();
			assertThat(cookie.getMaxAge()).isEqualTo(Duration.ofDays(30));
			// Attribute names are case-insensitive: Netty writes HTTPOnly
			assertThat(result.getResponseHeaders().getFirst(HttpHeaders.SET_COOKIE)).startsWith("todo_refresh=")
				.contains("; Path=/api/auth", "; Secure", "; SameSite=Strict", "; Max-Age=2592000")
				.containsIgnoringCase("; HttpOnly");
			assertThat(result.getResponseBody().get("token").stringValue()).isNotBlank();
		}
		assertThat(cookie(signedIn).getValue()).isNotEqualTo(cookie(signedUp).getValue());
	}

	@Test
	void signInWhenDoneThenTheDatabaseKeepsOnlyTheDigestOfTheRefreshToken() throws Exception {
		EntityExchangeResult<JsonNode> signedUp = signUp(AccountApiTests.newEmail());
		String token = cookie(signedUp).getValue();
		String user = userId(signedUp);
		List<byte[]> stored = this.db.sql("SELECT token_hash FROM refresh_tokens WHERE user_id = :user")
			.bind("user", user)
			.map((row) -> row.get(0, byte[].class))
			.all()
			.collectList()
			.block(Duration.ofSeconds(10));
		assertThat(stored).hasSize(1);
		assertThat(stored.get(0)).hasSize(32)
			.isNotEqualTo(token.getBytes(StandardCharsets.US_ASCII))
			.isEqualTo(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
		String secret = token.substring(token.lastIndexOf('.') + 1);
		String everything = this.db.sql("SELECT r::text FROM refresh_tokens r WHERE user_id = :user")
			.bind("user", user)
			.map((row) -> row.get(0, String.class))
			.one()
			.block(Duration.ofSeconds(10));
		assertThat(everything).doesNotContain(secret);
	}

	// Refresh and rotation

	@Test
	void refreshWhenCookieThenNewAccessTokenAndNextCookieWhichWorksInTurn() {
		EntityExchangeResult<JsonNode> signedUp = signUp(AccountApiTests.newEmail());
		String first = cookie(signedUp).getValue();
		EntityExchangeResult<JsonNode> refreshed = refresh(first).expectStatus()
			.isOk()
			.expectHeader()
			.contentType(MediaType.APPLICATION_JSON)
			.expectHeader()
			.cacheControl(org.springframework.http.CacheControl.noStore())
			.expectBody(JsonNode.class)
			.returnResult();
		String second = cookie(refreshed).getValue();
		assertThat(second).isNotEqualTo(first);
		assertThat(refreshed.getResponseBody().get("user")).isEqualTo(signedUp.getResponseBody().get("user"));
		String token = refreshed.getResponseBody().get("token").stringValue();
		bearer(token).get()
			.uri("/api/me")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.id")
			.isEqualTo(userId(signedUp));
		String third = cookie(refresh(second).expectStatus().isOk().expectBody(JsonNode.class).returnResult())
			.getValue();
		assertThat(third).isNotEqualTo(second).isNotEqualTo(first);
		refresh(third).expectStatus().isOk();
	}

	@Test
	void refreshWhenAnAlreadyUsedTokenComesBackThenItsWholeFamilyEndsButOtherSessionsLast() {
		String email = AccountApiTests.newEmail();
		String stolen = cookie(signUp(email)).getValue();
		String other = cookie(signIn(email, PASSWORD)).getValue();
		String next = cookie(refresh(stolen).expectStatus().isOk().expectBody(JsonNode.class).returnResult())
			.getValue();
		String newest = cookie(refresh(next).expectStatus().isOk().expectBody(JsonNode.class).returnResult())
			.getValue();

		expectRefused(refresh(stolen));

		expectRefused(refresh(newest));
		expectRefused(refresh(next));
		refresh(other).expectStatus().isOk();
	}

	@Test
	void refreshWhenTwoAtOnceWithOneTokenThenOneSucceedsAndTheFamilyEnds() {
		String token = cookie(signUp(AccountApiTests.newEmail())).getValue();
		List<EntityExchangeResult<JsonNode>> results = Flux.range(0, 2)
			.parallel(2)
			.runOn(Schedulers.boundedElastic())
			.map((i) -> refresh(token).expectBody(JsonNode.class).returnResult())
			.sequential()
			.collectList()
			.block(Duration.ofSeconds(30));
		assertThat(results).extracting((result) -> result.getStatus().value()).containsExactlyInAnyOrder(200, 401);
		EntityExchangeResult<JsonNode> winner = results.stream()
			.filter((result) -> result.getStatus().value() == 200)
			.findFirst()
			.orElseThrow();
		expectRefused(refresh(cookie(winner).getValue()));
	}

	@Test
	void refreshWhenNoCookieUnknownOrMalformedThenUnauthorizedProblemAndTheCookieCleared() {
		String real = cookie(signUp(AccountApiTests.newEmail())).getValue();
		String unknown = real.substring(0, real.length() - 4) + (real.endsWith("AAAA") ? "BBBB" : "AAAA");
		expectRefused(this.client.post().uri("/api/auth/refresh").header("X-Requested-With", "fetch").exchange());
		for (String value : List.of(unknown, "nonsense", "", "a.b.c", real.replace('.', ':'), real + "x",
				"x".repeat(4000))) {
			expectRefused(refresh(value));
		}
		// The unknown token named the real family: a wrong token of a family ends it
		expectRefused(refresh(real));
	}

	@Test
	void refreshWhenExpiredThenUnauthorizedAndThePurgeDeletesExpiredFamilies() {
		EntityExchangeResult<JsonNode> first = signUp(AccountApiTests.newEmail());
		String user = userId(first);
		String token = cookie(first).getValue();
		this.db.sql("UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE user_id = :user")
			.bind("user", user)
			.fetch()
			.rowsUpdated()
			.block(Duration.ofSeconds(10));
		expectRefused(refresh(token));
		assertThat(families(user)).isZero();

		String email = AccountApiTests.newEmail();
		String other = userId(signUp(email));
		signIn(email, PASSWORD);
		this.db.sql("UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE user_id = :user")
			.bind("user", other)
			.fetch()
			.rowsUpdated()
			.block(Duration.ofSeconds(10));
		assertThat(families(other)).isEqualTo(2);
		assertThat(this.refreshTokens.purge().block(Duration.ofSeconds(30))).isGreaterThanOrEqualTo(2);
		assertThat(families(other)).isZero();
	}

	@Test
	void refreshWhenNoCsrfHeaderThenForbiddenAndTheTokenStillWorks() {
		String token = cookie(signUp(AccountApiTests.newEmail())).getValue();
		for (String path : List.of("/api/auth/refresh", "/api/auth/sign-out")) {
			this.client.post()
				.uri(path)
				.cookie(RefreshCookie.NAME, token)
				.exchange()
				.expectStatus()
				.isForbidden()
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.expectBody()
				.jsonPath("$.detail")
				.value((detail) -> assertThat((String) detail).contains("X-Requested-With"));
		}
		refresh(token).expectStatus().isOk();
	}

	@Test
	void refreshWhenGetThenMethodNotAllowed() {
		this.client.get()
			.uri("/api/auth/refresh")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.METHOD_NOT_ALLOWED)
			.expectHeader()
			.valueEquals(HttpHeaders.ALLOW, "POST");
	}

	@Test
	void signInWhenMoreThanTheMostSessionsThenTheLeastRecentlyUsedEnd() {
		String user = userId(signUp(AccountApiTests.newEmail()));
		for (int i = 0; i < RefreshTokens.MAX_SESSIONS + 5; i++) {
			this.refreshTokens.start(user).block(Duration.ofSeconds(10));
		}
		assertThat(families(user)).isEqualTo(RefreshTokens.MAX_SESSIONS);
	}

	// Sign-out

	@Test
	void signOutWhenCookieThenNoContentTheCookieClearedAndItsFamilyEnded() {
		String email = AccountApiTests.newEmail();
		String first = cookie(signUp(email)).getValue();
		String other = cookie(signIn(email, PASSWORD)).getValue();
		String current = cookie(refresh(first).expectStatus().isOk().expectBody(JsonNode.class).returnResult())
			.getValue();

		EntityExchangeResult<Void> signedOut = signOut(current).expectStatus()
			.isNoContent()
			.expectBody(Void.class)
			.returnResult();

		ResponseCookie cleared = signedOut.getResponseCookies().getFirst(RefreshCookie.NAME);
		assertThat(cleared.getValue()).isEmpty();
		assertThat(cleared.getMaxAge()).isZero();
		assertThat(cleared.getPath()).isEqualTo("/api/auth");
		expectRefused(refresh(current));
		refresh(other).expectStatus().isOk();
		// Again, or with no cookie: nothing left to end, the same answer
		signOut(current).expectStatus().isNoContent();
		this.client.post()
			.uri("/api/auth/sign-out")
			.header("X-Requested-With", "fetch")
			.exchange()
			.expectStatus()
			.isNoContent()
			.expectHeader()
			.value(HttpHeaders.SET_COOKIE, (value) -> assertThat(value).contains("Max-Age=0"));
	}

	@Test
	void signOutEverywhereWhenDoneThenRefreshTokensIssuedBeforeAreRefusedAndNewSignInsWork() {
		String email = AccountApiTests.newEmail();
		EntityExchangeResult<JsonNode> signedUp = signUp(email);
		String token = cookie(signedUp).getValue();
		bearer(signedUp.getResponseBody().get("token").stringValue()).post()
			.uri("/api/me/sign-out-everywhere")
			.exchange()
			.expectStatus()
			.isNoContent();

		expectRefused(refresh(token));
		// In the same second as the revocation too
		EntityExchangeResult<JsonNode> again = signIn(email, PASSWORD);
		bearer(again.getResponseBody().get("token").stringValue()).get()
			.uri("/api/me")
			.exchange()
			.expectStatus()
			.isOk();
		refresh(cookie(again).getValue()).expectStatus().isOk();
	}

	// Password change

	@Test
	void changePasswordWhenRightThenEveryEarlierTokenRefusedTheOldPasswordTooAndTheNewSessionWorks() {
		String email = AccountApiTests.newEmail();
		EntityExchangeResult<JsonNode> here = signUp(email);
		EntityExchangeResult<JsonNode> elsewhere = signIn(email, PASSWORD);
		String hereAccess = here.getResponseBody().get("token").stringValue();
		String hereRefresh = cookie(here).getValue();
		String elsewhereRefresh = cookie(
				refresh(cookie(elsewhere).getValue()).expectStatus().isOk().expectBody(JsonNode.class).returnResult())
			.getValue();

		EntityExchangeResult<JsonNode> changed = changePassword(hereAccess, PASSWORD, NEW_PASSWORD).expectStatus()
			.isOk()
			.expectHeader()
			.cacheControl(org.springframework.http.CacheControl.noStore())
			.expectBody(JsonNode.class)
			.returnResult();

		assertThat(changed.getResponseBody().get("user").get("id").stringValue()).isEqualTo(userId(here));
		bearer(hereAccess).get().uri("/api/me").exchange().expectStatus().isUnauthorized();
		bearer(elsewhere.getResponseBody().get("token").stringValue()).get()
			.uri("/api/me")
			.exchange()
			.expectStatus()
			.isUnauthorized();
		expectRefused(refresh(hereRefresh));
		expectRefused(refresh(elsewhereRefresh));
		bearer(changed.getResponseBody().get("token").stringValue()).get()
			.uri("/api/me")
			.exchange()
			.expectStatus()
			.isOk();
		assertThat(families(userId(here))).isEqualTo(1);
		refresh(cookie(changed).getValue()).expectStatus().isOk();
		AccountApiTests.signIn(this.client, email, PASSWORD).expectStatus().isUnauthorized();
		signIn(email, NEW_PASSWORD);
	}

	/**
	 * From an address of its own: a wrong current password counts against the sign-in
	 * limits, per address too, which the suite's other tests share on 127.0.0.1.
	 */
	@Test
	void changePasswordWhenCurrentPasswordWrongThenForbiddenNothingChangesAndTheSignInLimitsCount() {
		String email = AccountApiTests.newEmail();
		EntityExchangeResult<JsonNode> signedUp = signUp(email);
		String access = signedUp.getResponseBody().get("token").stringValue();
		WebTestClient attacker = AccountApiTests.fromAddress(this.port, AccountApiTests.newLoopbackAddress())
			.mutate()
			.defaultHeaders((headers) -> headers.setBearerAuth(access))
			.build();
		changePassword(attacker, "not the password", NEW_PASSWORD).expectStatus()
			.isForbidden()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("The current password is wrong.");
		bearer(access).get().uri("/api/me").exchange().expectStatus().isOk();
		refresh(cookie(signedUp).getValue()).expectStatus().isOk();
		signIn(email, PASSWORD);
		for (int i = 0; i < 4; i++) {
			changePassword(attacker, "guess " + i, NEW_PASSWORD).expectStatus().isForbidden();
		}
		changePassword(attacker, PASSWORD, NEW_PASSWORD).expectStatus()
			.isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
			.expectHeader()
			.exists(HttpHeaders.RETRY_AFTER);
		signIn(email, PASSWORD);
	}

	@Test
	void changePasswordWhenNewPasswordBreaksTheSignUpRulesThenUnprocessableNamingIt() {
		String access = signUp(AccountApiTests.newEmail()).getResponseBody().get("token").stringValue();
		for (String password : List.of("short", "p".repeat(129))) {
			changePassword(access, PASSWORD, password).expectStatus()
				.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
				.expectBody()
				.jsonPath("$.errors[0].field")
				.isEqualTo("new_password");
		}
		bearer(access).post()
			.uri("/api/me/password")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("new_password", NEW_PASSWORD))
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("current_password");
	}

	@Test
	void changePasswordWhenNoTokenOrNotABuiltInAccountThenRefused() {
		this.client.post()
			.uri("/api/me/password")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("current_password", PASSWORD, "new_password", NEW_PASSWORD))
			.exchange()
			.expectStatus()
			.isUnauthorized();
		changePassword(identityProvider.hs256(newUser()), PASSWORD, NEW_PASSWORD).expectStatus()
			.isForbidden()
			.expectBody()
			.jsonPath("$.detail")
			.value((detail) -> assertThat((String) detail).contains("no password here"));
	}

	// Helpers

	private void expectRefused(WebTestClient.ResponseSpec response) {
		response.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.value(HttpHeaders.SET_COOKIE,
					(value) -> assertThat(value).startsWith("todo_refresh=;").contains("Max-Age=0", "Path=/api/auth"))
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(401);
	}

	private WebTestClient.ResponseSpec refresh(String token) {
		return this.client.post()
			.uri("/api/auth/refresh")
			.header("X-Requested-With", "fetch")
			.cookie(RefreshCookie.NAME, token)
			.exchange();
	}

	private WebTestClient.ResponseSpec signOut(String token) {
		return this.client.post()
			.uri("/api/auth/sign-out")
			.header("X-Requested-With", "fetch")
			.cookie(RefreshCookie.NAME, token)
			.exchange();
	}

	private WebTestClient.ResponseSpec changePassword(String access, String current, String next) {
		return changePassword(bearer(access), current, next);
	}

	private static WebTestClient.ResponseSpec changePassword(WebTestClient client, String current, String next) {
		return client.post()
			.uri("/api/me/password")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("current_password", current, "new_password", next))
			.exchange();
	}

	private EntityExchangeResult<JsonNode> signUp(String email) {
		return this.client.post()
			.uri("/api/auth/sign-up")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("email", email, "password", PASSWORD, "name", "Session"))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(JsonNode.class)
			.returnResult();
	}

	private EntityExchangeResult<JsonNode> signIn(String email, String password) {
		return AccountApiTests.signIn(this.client, email, password)
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult();
	}

	private static ResponseCookie cookie(EntityExchangeResult<?> result) {
		ResponseCookie cookie = result.getResponseCookies().getFirst(RefreshCookie.NAME);
		assertThat(cookie).as("the refresh cookie").isNotNull();
		return cookie;
	}

	private static String userId(EntityExchangeResult<JsonNode> result) {
		return result.getResponseBody().get("user").get("id").stringValue();
	}

	private long families(String user) {
		return this.db.sql("SELECT count(*) FROM refresh_tokens WHERE user_id = :user")
			.bind("user", user)
			.map((row) -> row.get(0, Long.class))
			.one()
			.block(Duration.ofSeconds(10));
	}

	private WebTestClient bearer(String token) {
		return this.client.mutate().defaultHeaders((headers) -> headers.setBearerAuth(token)).build();
	}

}
