package app.todo.security.jwt;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import app.todo.TestcontainersConfiguration;
import app.todo.security.jwt.BetterAuthStandIn.SigningKey;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API against tokens in the exact shapes better-auth 1.7 issues, signed by an
 * independent signer (the JDK's own, see {@link BetterAuthStandIn}): EdDSA with a key
 * rotation mid-test, ES256, ES512, RS256, PS256, HS256 and the HS256 session cookie cache
 * are accepted; then every malicious token of the hardening list is a
 * {@code 401 invalid_token} that neither fetches the JWKS nor reaches the log.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "todo.database.url=", "todo.database.embedded-directory=",
				"todo.auth.secret=" + BetterAuthStandIn.SECRET, "todo.auth.cookie-cache=true",
				"todo.auth.jwks-refetch-cooldown=" + BetterAuthInteroperabilityTests.COOLDOWN_MILLIS + "ms",
				// Hundreds of rejected tokens from one address: over the default rate
				// limit by design
				"todo.rate-limit.enabled=false" })
@AutoConfigureWebTestClient(timeout = "30s")
@Import(TestcontainersConfiguration.class)
@ExtendWith(OutputCaptureExtension.class)
class BetterAuthInteroperabilityTests {

	static final long COOLDOWN_MILLIS = 500;

	private static final String INVALID_TOKEN = "Bearer error=\"invalid_token\"";

	private static final byte[] SECRET = BetterAuthStandIn.SECRET.getBytes(StandardCharsets.UTF_8);

	private static final BetterAuthStandIn betterAuth = new BetterAuthStandIn();

	private static final SigningKey es256 = SigningKey.es256();

	private static final SigningKey es512 = SigningKey.es512();

	private static final SigningKey rs256 = SigningKey.rs256();

	private static final SigningKey ps256 = SigningKey.ps256();

	/** The current EdDSA key; the rotation test replaces it. */
	private static volatile SigningKey eddsa = SigningKey.eddsa();

	static {
		betterAuth.publish(eddsa, es256, es512, rs256, ps256);
	}

	@Autowired
	private WebTestClient client;

	@Autowired
	private DatabaseClient database;

	@DynamicPropertySource
	static void betterAuth(DynamicPropertyRegistry registry) {
		registry.add("todo.auth.url", betterAuth::baseUrl);
	}

	// Accepted: every shape Better Auth issues

	@Test
	void readinessIsUpOnceTheJwksIsFetched() {
		this.client.get()
			.uri("/actuator/health/readiness")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP");
		assertThat(betterAuth.jwksRequests()).isPositive();
	}

	@Test
	void getWhenJwtPluginTokenOfEveryAlgorithmThenOk() {
		for (SigningKey key : List.of(eddsa, es256, es512, rs256, ps256)) {
			String token = key.sign(betterAuth.claims(newUser()));
			assertThat(header(token)).isEqualTo("{\"alg\":\"" + key.alg() + "\",\"kid\":\"" + key.kid() + "\"}");
			assertAccepted(token);
		}
	}

	@Test
	void getWhenHs256TokenWithSubjectThenOk() {
		assertAccepted(BetterAuthStandIn.hs256(betterAuth.claims(newUser())));
	}

	@Test
	void getWhenSessionCookieCacheTokenThenOkAsItsUser() {
		Map<String, Object> user = newUser();
		String token = BetterAuthStandIn.hs256(BetterAuthStandIn.cookieCacheClaims(user, (String) user.get("id"),
				Instant.now().plus(Duration.ofDays(7))));
		assertThat(header(token)).isEqualTo("{\"alg\":\"HS256\"}");
		assertAccepted(token);
		assertThat(storedProfile((String) user.get("id"))).containsEntry("email", user.get("email"))
			.containsEntry("name", user.get("name"));
	}

	@Test
	void getWhenKeyRotatedThenNewKeyAcceptedWithoutRestartAndRemovedKeyRefused() throws InterruptedException {
		SigningKey old = eddsa;
		assertAccepted(old.sign(betterAuth.claims(newUser())));
		SigningKey next = SigningKey.eddsa();
		betterAuth.publish(next, es256, es512, rs256, ps256);
		Thread.sleep(COOLDOWN_MILLIS + 100);
		assertAccepted(next.sign(betterAuth.claims(newUser())));
		eddsa = next;
		Thread.sleep(COOLDOWN_MILLIS + 100);
		assertRejected(old.sign(betterAuth.claims(newUser())));
		assertAccepted(next.sign(betterAuth.claims(newUser())));
	}

	@Test
	void getWhenFloodOfUnknownKeyIdsThenJwksFetchesBoundedByTheCooldown() {
		assertAccepted(eddsa.sign(betterAuth.claims(newUser())));
		int before = betterAuth.jwksRequests();
		long start = System.nanoTime();
		List<String> tokens = new ArrayList<>();
		for (int i = 0; i < 60; i++) {
			tokens.add(SigningKey.eddsa().sign(betterAuth.claims(newUser())));
		}
		List<HttpStatus> statuses = Flux.fromIterable(tokens)
			.flatMap((token) -> Mono
				.fromCallable(() -> this.client.get()
					.uri("/api/tasks")
					.headers((headers) -> headers.setBearerAuth(token))
					.exchange()
					.returnResult(String.class)
					.getStatus())
				.subscribeOn(Schedulers.boundedElastic()), 8)
			.map((status) -> HttpStatus.valueOf(status.value()))
			.collectList()
			.block(Duration.ofMinutes(2));
		long elapsedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
		assertThat(statuses).hasSize(60).containsOnly(HttpStatus.UNAUTHORIZED);
		assertThat(betterAuth.jwksRequests() - before).isLessThanOrEqualTo(1 + (int) (elapsedMillis / COOLDOWN_MILLIS))
			.isLessThan(60);
		assertAccepted(eddsa.sign(betterAuth.claims(newUser())));
	}

	@Test
	void getWhenJwksSlowOrDownThenCachedKeysStillVerify() throws InterruptedException {
		Thread.sleep(COOLDOWN_MILLIS + 100);
		betterAuth.jwksDelay(3000);
		try {
			// An unknown kid starts a fetch that takes 3 s; known keys go on meanwhile
			Mono<Integer> unknown = Mono
				.fromCallable(() -> this.client.get()
					.uri("/api/tasks")
					.headers((headers) -> headers.setBearerAuth(SigningKey.eddsa().sign(betterAuth.claims(newUser()))))
					.exchange()
					.returnResult(String.class)
					.getStatus()
					.value())
				.subscribeOn(Schedulers.boundedElastic())
				.cache();
			unknown.subscribe();
			for (SigningKey key : List.of(eddsa, es256, rs256)) {
				assertAccepted(key.sign(betterAuth.claims(newUser())));
			}
			assertThat(unknown.block(Duration.ofSeconds(30))).isEqualTo(401);
			betterAuth.jwksDelay(0);
			betterAuth.jwksFailing(true);
			Thread.sleep(COOLDOWN_MILLIS + 100);
			assertRejected(SigningKey.eddsa().sign(betterAuth.claims(newUser())));
			assertAccepted(eddsa.sign(betterAuth.claims(newUser())));
		}
		finally {
			betterAuth.jwksDelay(0);
			betterAuth.jwksFailing(false);
		}
	}

	@Test
	void getWhenTokenCarriesEmailAndNameThenUsersRowFollowsWithoutAWritePerRequest() {
		Map<String, Object> user = newUser();
		String id = (String) user.get("id");
		assertAccepted(eddsa.sign(betterAuth.claims(user)));
		assertThat(storedProfile(id)).containsEntry("email", user.get("email")).containsEntry("name", user.get("name"));
		// Changed behind the API's back: the same token again is not written again...
		this.database.sql("UPDATE users SET name = 'Changed' WHERE id = :id")
			.bind("id", id)
			.then()
			.block(Duration.ofSeconds(10));
		assertAccepted(eddsa.sign(betterAuth.claims(user)));
		assertThat(storedProfile(id)).containsEntry("name", "Changed");
		// ...but a token with a new name is
		user.put("name", "Renamed Person");
		assertAccepted(eddsa.sign(betterAuth.claims(user)));
		assertThat(storedProfile(id)).containsEntry("name", "Renamed Person").containsEntry("email", user.get("email"));
		// A token without a profile (a backend's HS256 token) keeps the stored one
		Map<String, Object> bare = new LinkedHashMap<>(betterAuth.claims(user));
		bare.remove("email");
		bare.remove("name");
		assertAccepted(BetterAuthStandIn.hs256(bare));
		assertThat(storedProfile(id)).containsEntry("name", "Renamed Person").containsEntry("email", user.get("email"));
	}

	// Rejected: the hardening list, none fetching the JWKS or reaching the log

	@Test
	void getWhenAlgNoneThenUnauthorized(CapturedOutput output) {
		Map<String, Object> claims = betterAuth.claims(newUser());
		for (String alg : List.of("none", "None", "NONE")) {
			String unsigned = BetterAuthStandIn.signingInput(BetterAuthStandIn.header("alg", alg), claims);
			assertRejectedQuietly(output, unsigned + ".");
			assertRejectedQuietly(output, unsigned + "." + BetterAuthStandIn.base64Url(new byte[32]));
		}
	}

	@Test
	void getWhenHs256SignedWithAPublishedPublicKeyThenUnauthorized(CapturedOutput output) {
		// Algorithm confusion: the public key, readable by anyone from the JWKS, as the
		// HMAC secret
		for (SigningKey key : List.of(rs256, es256, eddsa)) {
			byte[] der = key.pair().getPublic().getEncoded();
			String pem = "-----BEGIN PUBLIC KEY-----\n"
					+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
					+ "\n-----END PUBLIC KEY-----\n";
			for (byte[] secret : List.of(der, pem.getBytes(StandardCharsets.US_ASCII),
					key.jwk().getBytes(StandardCharsets.UTF_8))) {
				Map<String, Object> claims = betterAuth.claims(newUser());
				assertRejectedQuietly(output, BetterAuthStandIn.hs256(secret,
						BetterAuthStandIn.header("alg", "HS256", "kid", key.kid()), claims));
				assertRejectedQuietly(output,
						BetterAuthStandIn.hs256(secret, BetterAuthStandIn.header("alg", "HS256"), claims));
			}
		}
	}

	@Test
	void getWhenKeyOrAlgorithmNotConfiguredThenUnauthorized(CapturedOutput output) {
		Map<String, Object> claims = betterAuth.claims(newUser());
		// A stranger's key under a published kid
		SigningKey stranger = SigningKey.eddsa();
		assertRejectedQuietly(output,
				stranger.sign(BetterAuthStandIn.header("alg", "EdDSA", "kid", eddsa.kid()), claims));
		// A published key under an algorithm it is not published for
		assertRejectedQuietly(output, changeAlg(rs256.sign(claims), "RS512"));
		assertRejectedQuietly(output, changeAlg(ps256.sign(claims), "RS256"));
		assertRejectedQuietly(output, changeAlg(es512.sign(claims), "ES256"));
		// Algorithms the API never accepts, with the shared secret or a published key
		for (String alg : List.of("HS384", "HS512", "ES256K", "RSA-OAEP", "dir", "foo")) {
			assertRejectedQuietly(output,
					BetterAuthStandIn.hs256(SECRET, BetterAuthStandIn.header("alg", alg), claims));
			assertRejectedQuietly(output, changeAlg(eddsa.sign(claims), alg));
		}
	}

	@Test
	void getWhenHeaderNamesOrCarriesItsOwnKeyThenUnauthorizedWithoutFetchingIt(CapturedOutput output) {
		SigningKey attacker = SigningKey.es256();
		String evilJwks = betterAuth.baseUrl() + "/attacker/jwks.json";
		Map<String, Object> claims = betterAuth.claims(newUser());
		int others = betterAuth.otherRequests();
		assertRejectedQuietly(output, attacker.sign(header(attacker, es256.kid(), "jku", evilJwks), claims));
		assertRejectedQuietly(output, attacker.sign(header(attacker, attacker.kid(), "jku", evilJwks), claims));
		assertRejectedQuietly(output, attacker.sign(header(attacker, es256.kid(), "x5u", evilJwks), claims));
		assertRejectedQuietly(output, attacker.sign(header(attacker, es256.kid(), "jwk", jwkObject(attacker)), claims));
		assertRejectedQuietly(output, attacker.sign(header(attacker, null, "jwk", jwkObject(attacker)), claims));
		assertRejectedQuietly(output,
				attacker.sign(header(attacker, es256.kid(), "x5c", List.of("MIIBIjANBgkqhkiG9w0B")), claims));
		assertThat(betterAuth.otherRequests()).isEqualTo(others);
	}

	@Test
	void getWhenKeyIdIsAPathOrAQueryThenUnauthorized(CapturedOutput output) {
		Map<String, Object> claims = betterAuth.claims(newUser());
		for (String kid : List.of("../../../../../../dev/null", "/dev/null", "../../../etc/passwd", "' OR '1'='1",
				"x'; DROP TABLE users; --", "1 UNION SELECT 'secret'", "%2e%2e%2fkeys", "", "k\u0000id",
				"a".repeat(129))) {
			// The classic: HS256 with a trivial key, hoping kid points the verifier at a
			// file like /dev/null
			assertRejectedQuietly(output,
					BetterAuthStandIn.hs256(new byte[1], BetterAuthStandIn.header("alg", "HS256", "kid", kid), claims));
			assertRejectedQuietly(output,
					BetterAuthStandIn.hs256(SECRET, BetterAuthStandIn.header("alg", "HS256", "kid", kid), claims));
			assertRejectedQuietly(output,
					SigningKey.eddsa().sign(BetterAuthStandIn.header("alg", "EdDSA", "kid", kid), claims));
		}
	}

	@Test
	void getWhenTimesAreWrongThenUnauthorized(CapturedOutput output) {
		long now = Instant.now().getEpochSecond();
		assertRejectedBySecretAndJwks(output, (claims) -> put(claims, "iat", now - 1200, "exp", now - 300));
		assertRejectedBySecretAndJwks(output, (claims) -> put(claims, "nbf", now + 300));
		assertRejectedBySecretAndJwks(output, (claims) -> put(claims, "exp", null));
		assertRejectedBySecretAndJwks(output, (claims) -> put(claims, "exp", "tomorrow"));
	}

	@Test
	void getWhenSubjectMissingEmptyOrTooLongThenUnauthorized(CapturedOutput output) {
		assertRejectedBySecretAndJwks(output, (claims) -> put(claims, "sub", null));
		assertRejectedBySecretAndJwks(output, (claims) -> put(claims, "sub", ""));
		assertRejectedBySecretAndJwks(output, (claims) -> put(claims, "sub", "   "));
		assertRejectedBySecretAndJwks(output, (claims) -> put(claims, "sub", "u".repeat(256)));
	}

	@Test
	void getWhenIssuerOrAudienceWrongThenUnauthorized(CapturedOutput output) {
		for (Function<Map<String, Object>, Map<String, Object>> change : List
			.<Function<Map<String, Object>, Map<String, Object>>>of(
					(claims) -> put(claims, "iss", "https://evil.example"), (claims) -> put(claims, "iss", null),
					(claims) -> put(claims, "aud", "https://other-api.example"), (claims) -> put(claims, "aud", null),
					(claims) -> put(claims, "aud", List.of("https://other-api.example")))) {
			for (SigningKey key : List.of(eddsa, es256, rs256)) {
				assertRejectedQuietly(output, key.sign(change.apply(betterAuth.claims(newUser()))));
			}
		}
	}

	@Test
	void getWhenTokenOver8KibThenUnauthorized(CapturedOutput output) {
		String token = eddsa.sign(put(betterAuth.claims(newUser()), "padding", "x".repeat(6200)));
		assertThat(token.length()).isGreaterThan(AlgorithmRoutingJwtDecoder.MAX_TOKEN_LENGTH);
		assertRejectedQuietly(output, token);
		assertRejectedQuietly(output,
				BetterAuthStandIn.hs256(put(betterAuth.claims(newUser()), "padding", "x".repeat(6200))));
	}

	@Test
	void getWhenEcdsaSignatureIsAllZerosThenUnauthorized(CapturedOutput output) {
		// CVE-2022-21449, "psychic signatures": r = s = 0, raw and DER-encoded
		for (SigningKey key : List.of(es256, es512)) {
			String token = key.sign(betterAuth.claims(newUser()));
			String signingInput = token.substring(0, token.lastIndexOf('.'));
			int size = "ES256".equals(key.alg()) ? 64 : 132;
			assertRejectedQuietly(output, signingInput + "." + BetterAuthStandIn.base64Url(new byte[size]));
			assertRejectedQuietly(output,
					signingInput + "." + BetterAuthStandIn.base64Url(new byte[] { 0x30, 6, 2, 1, 0, 2, 1, 0 }));
			assertRejectedQuietly(output, signingInput + ".");
		}
	}

	@Test
	void getWhenCookieCacheTokenIsNotTheSessionsUserOrExpiredThenUnauthorized(CapturedOutput output) {
		Map<String, Object> user = newUser();
		String id = (String) user.get("id");
		Instant later = Instant.now().plus(Duration.ofDays(1));
		assertRejectedQuietly(output,
				BetterAuthStandIn.hs256(BetterAuthStandIn.cookieCacheClaims(user, "someone-else", later)));
		assertRejectedQuietly(output, BetterAuthStandIn
			.hs256(BetterAuthStandIn.cookieCacheClaims(user, id, Instant.now().minus(Duration.ofMinutes(5)))));
		assertRejectedQuietly(output,
				BetterAuthStandIn.hs256(put(BetterAuthStandIn.cookieCacheClaims(user, id, later), "exp", null)));
		assertRejectedQuietly(output,
				BetterAuthStandIn.hs256(put(BetterAuthStandIn.cookieCacheClaims(put(user, "id", ""), "", later))));
		// Signed with a key other than BETTER_AUTH_SECRET
		assertRejectedQuietly(output,
				BetterAuthStandIn.hs256("another-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8),
						BetterAuthStandIn.header("alg", "HS256"),
						BetterAuthStandIn.cookieCacheClaims(newUser(), id, later)));
	}

	// Support

	private static Map<String, Object> newUser() {
		String id = BetterAuthStandIn.randomId();
		return BetterAuthStandIn.user(id, id.toLowerCase() + "@example.com", "Person " + id.substring(0, 6));
	}

	private static Map<String, Object> put(Map<String, Object> map, Object... namesAndValues) {
		Map<String, Object> changed = new LinkedHashMap<>(map);
		for (int i = 0; i < namesAndValues.length; i += 2) {
			if (namesAndValues[i + 1] == null) {
				changed.remove((String) namesAndValues[i]);
			}
			else {
				changed.put((String) namesAndValues[i], namesAndValues[i + 1]);
			}
		}
		return changed;
	}

	private static Map<String, Object> header(SigningKey key, String kid, String name, Object value) {
		Map<String, Object> header = BetterAuthStandIn.header("alg", key.alg());
		if (kid != null) {
			header.put("kid", kid);
		}
		header.put(name, value);
		return header;
	}

	private static Map<String, Object> jwkObject(SigningKey key) {
		// A JSON object, as the jwk header parameter is: reparse the key's JWKS entry
		Map<String, Object> jwk = new LinkedHashMap<>();
		String json = key.jwk();
		for (String member : json.substring(1, json.length() - 1).split(",")) {
			String[] pair = member.split(":", 2);
			jwk.put(pair[0].replace("\"", ""), pair[1].replace("\"", ""));
		}
		return jwk;
	}

	private static String header(String token) {
		return new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
				StandardCharsets.UTF_8);
	}

	/**
	 * The same signature under another {@code alg}: what an attacker can do without any
	 * key.
	 */
	private static String changeAlg(String token, String alg) {
		String[] parts = token.split("\\.");
		String header = header(token).replaceFirst("\"alg\":\"[^\"]*\"", "\"alg\":\"" + alg + "\"");
		return BetterAuthStandIn.base64Url(header.getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + "." + parts[2];
	}

	private Map<String, Object> storedProfile(String id) {
		return this.database.sql("SELECT email, name FROM users WHERE id = :id")
			.bind("id", id)
			.fetch()
			.one()
			.block(Duration.ofSeconds(10));
	}

	private WebTestClient.ResponseSpec getTasks(String token) {
		return this.client.get().uri("/api/tasks").headers((headers) -> headers.setBearerAuth(token)).exchange();
	}

	private void assertAccepted(String token) {
		getTasks(token).expectStatus().isOk().expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON);
	}

	private void assertRejected(String token) {
		String body = getTasks(token).expectStatus()
			.isUnauthorized()
			.expectHeader()
			.valueEquals(HttpHeaders.WWW_AUTHENTICATE, INVALID_TOKEN)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(body).contains("\"status\":401").doesNotContain(token);
	}

	/**
	 * Refused with no JWKS fetch, and neither the token nor any of its parts in the log.
	 */
	private void assertRejectedQuietly(CapturedOutput output, String token) {
		int fetches = betterAuth.jwksRequests();
		assertRejected(token);
		assertThat(betterAuth.jwksRequests()).as("JWKS fetches").isEqualTo(fetches);
		String log = output.getAll();
		assertThat(log).doesNotContain(token);
		Arrays.stream(token.split("\\."))
			.filter((part) -> part.length() > 8)
			.forEach((part) -> assertThat(log).doesNotContain(part));
	}

	private void assertRejectedBySecretAndJwks(CapturedOutput output,
			Function<Map<String, Object>, Map<String, Object>> change) {
		assertRejectedQuietly(output, BetterAuthStandIn.hs256(change.apply(betterAuth.claims(newUser()))));
		assertRejectedQuietly(output, eddsa.sign(change.apply(betterAuth.claims(newUser()))));
		assertRejectedQuietly(output, es256.sign(change.apply(betterAuth.claims(newUser()))));
	}

}
