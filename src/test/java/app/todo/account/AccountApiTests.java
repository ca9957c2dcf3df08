package app.todo.account;

import java.net.InetSocketAddress;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import app.todo.ApiTestSupport;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built-in accounts through the real filter chain: sign-up, sign-in, the tokens they
 * hand out, the JWKS that verifies them, and the limits on failed sign-ins.
 */
class AccountApiTests extends ApiTestSupport {

	private static final String PASSWORD = "correct horse battery staple";

	private static final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	private int port;

	@Autowired
	private DatabaseClient db;

	// Sign-up, sign-in, me

	@Test
	void signUpThenTokenOpensTheApiAndMeReturnsTheAccount() {
		String email = newEmail();
		JsonNode signedUp = signUp(email, PASSWORD, "Alice").expectStatus()
			.isCreated()
			.expectHeader()
			.contentType(MediaType.APPLICATION_JSON)
			.expectHeader()
			.cacheControl(org.springframework.http.CacheControl.noStore())
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
		String id = signedUp.get("user").get("id").stringValue();
		assertThat(id).matches("[A-Za-z0-9]{32}");
		assertThat(signedUp.get("user").get("email").stringValue()).isEqualTo(email);
		assertThat(signedUp.get("user").get("name").stringValue()).isEqualTo("Alice");
		WebTestClient alice = bearer(signedUp.get("token").stringValue());
		alice.post()
			.uri("/api/tasks")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("title", "Buy milk"))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody()
			.jsonPath("$.user_id")
			.isEqualTo(id);
		alice.get()
			.uri("/api/tasks")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$[0].title")
			.isEqualTo("Buy milk");
		alice.get()
			.uri("/api/me")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.id")
			.isEqualTo(id)
			.jsonPath("$.email")
			.isEqualTo(email)
			.jsonPath("$.name")
			.isEqualTo("Alice");
	}

	@Test
	void signInWhenEmailInAnotherCaseThenSameUser() {
		String email = newEmail();
		String id = signUpId(email);
		JsonNode signedIn = signIn(this.client, email.toUpperCase(), PASSWORD).expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
		assertThat(signedIn.get("user").get("id").stringValue()).isEqualTo(id);
		bearer(signedIn.get("token").stringValue()).get()
			.uri("/api/me")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.id")
			.isEqualTo(id);
	}

	@Test
	void signUpWhenEmailTakenInAnotherCaseThenConflict() {
		String email = newEmail();
		signUpId(email);
		signUp(email.toUpperCase(), PASSWORD, "Mallory").expectStatus()
			.isEqualTo(HttpStatus.CONFLICT)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(409);
	}

	@Test
	void signUpWhenSameEmailFiveTimesAtOnceThenOneCreatedAndTheRestConflict() {
		String email = newEmail();
		List<HttpStatus> statuses = Flux.range(0, 5)
			.flatMap((i) -> Flux.just(i)
				.publishOn(reactor.core.scheduler.Schedulers.boundedElastic())
				.map((n) -> (HttpStatus) signUp((n % 2 == 0) ? email : email.toUpperCase(), PASSWORD, "Twin")
					.returnResult(String.class)
					.getStatus()))
			.collectList()
			.block(Duration.ofSeconds(60));
		assertThat(statuses).containsOnly(HttpStatus.CREATED, HttpStatus.CONFLICT);
		assertThat(statuses).filteredOn(HttpStatus.CREATED::equals).hasSize(1);
		Long rows = this.db.sql("SELECT count(*) FROM credentials WHERE lower(email) = lower(:email)")
			.bind("email", email)
			.map((row) -> row.get(0, Long.class))
			.one()
			.block(Duration.ofSeconds(10));
		assertThat(rows).isEqualTo(1);
	}

	@Test
	void signUpWhenPasswordShorterThan8ThenUnprocessableNamingPassword() {
		signUp(newEmail(), "1234567", "Short").expectStatus()
			.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.errors.length()")
			.isEqualTo(1)
			.jsonPath("$.errors[0].field")
			.isEqualTo("password")
			.jsonPath("$.errors[0].message")
			.value((message) -> assertThat((String) message).contains("8"));
	}

	@Test
	void signUpWhenPasswordOf8CharactersThenCreated() {
		signUp(newEmail(), "12345678", "Eight").expectStatus().isCreated();
	}

	@Test
	void signUpWhenPasswordOver128CharactersThenUnprocessable() {
		signUp(newEmail(), "p".repeat(129), "Long").expectStatus()
			.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("password");
	}

	@Test
	void signUpWhenMembersMissingOrWrongThenUnprocessableListingEach() {
		this.client.post()
			.uri("/api/auth/sign-up")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("email", 42, "name", " "))
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
			.expectBody()
			.jsonPath("$.errors[*].field")
			.isEqualTo(List.of("email", "password", "name"));
		for (String email : List.of("no-at-sign", "a@b", "two@@example.com", "sp ace@example.com",
				"x".repeat(250) + "@example.com")) {
			signUp(email, PASSWORD, "Bad").expectStatus()
				.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
				.expectBody()
				.jsonPath("$.errors[0].field")
				.isEqualTo("email");
		}
	}

	@Test
	void signUpWhenBodyNotJsonThenSameAnswersAsTaskRoutes() {
		this.client.post()
			.uri("/api/auth/sign-up")
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue("hello")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
		this.client.post()
			.uri("/api/auth/sign-in")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("[1]")
			.exchange()
			.expectStatus()
			.isBadRequest();
		this.client.get()
			.uri("/api/auth/sign-in")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.METHOD_NOT_ALLOWED)
			.expectHeader()
			.valueEquals(HttpHeaders.ALLOW, "POST");
	}

	@Test
	void signInWhenMembersMissingThenUnprocessable() {
		this.client.post()
			.uri("/api/auth/sign-in")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("email", "a@example.com"))
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("password");
	}

	@Test
	void getMeWhenNoTokenThenUnauthorized() {
		this.client.get()
			.uri("/api/me")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
	}

	// Wrong password and unknown email

	@Test
	void signInWhenWrongPasswordOrUnknownEmailThenTheSameAnswer() {
		String email = newEmail();
		signUpId(email);
		WebTestClient client = fromAddress(newLoopbackAddress());
		EntityExchangeResult<byte[]> wrongPassword = signIn(client, email, "not the password").expectBody()
			.returnResult();
		EntityExchangeResult<byte[]> unknownEmail = signIn(client, newEmail(), "not the password").expectBody()
			.returnResult();
		assertThat(wrongPassword.getStatus()).isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(unknownEmail.getStatus()).isEqualTo(wrongPassword.getStatus());
		assertThat(unknownEmail.getResponseBody()).isEqualTo(wrongPassword.getResponseBody());
		assertThat(headers(unknownEmail)).isEqualTo(headers(wrongPassword));
		assertThat(new String(wrongPassword.getResponseBody(), StandardCharsets.UTF_8)).doesNotContain(email);
	}

	// Limits on failed sign-ins

	@Test
	void signInWhenFiveFailuresForOneEmailFromOneAddressThenTooManyRequestsFromThereEvenWithThePassword() {
		String email = newEmail();
		signUpId(email);
		WebTestClient first = fromAddress(newLoopbackAddress());
		for (int i = 0; i < 5; i++) {
			signIn(first, email, "wrong password " + i).expectStatus().isUnauthorized();
		}
		assertTooManyRequests(signIn(first, email, PASSWORD));
		assertTooManyRequests(signIn(first, email.toUpperCase(), PASSWORD));
		// Another email from the first address is still fine: that address has 15
		// failures left
		String other = newEmail();
		signUpId(other);
		signIn(first, other, PASSWORD).expectStatus().isOk();
	}

	/**
	 * The limit was checked before hashing and counted after it: 60 wrong passwords sent
	 * at once were all checked. Each attempt is reserved before any password work now.
	 */
	@Test
	void signInWhenSixtyWrongPasswordsAtOnceFromOneAddressThenOnlyFiveAreChecked() {
		String email = newEmail();
		signUpId(email);
		WebTestClient attacker = fromAddress(newLoopbackAddress());
		List<HttpStatus> statuses = Flux.range(0, 60)
			.parallel(60)
			.runOn(reactor.core.scheduler.Schedulers.boundedElastic())
			.map((i) -> (HttpStatus) signIn(attacker, email, "guess " + i).returnResult(String.class).getStatus())
			.sequential()
			.collectList()
			.block(Duration.ofSeconds(120));
		assertThat(statuses).containsOnly(HttpStatus.UNAUTHORIZED, HttpStatus.TOO_MANY_REQUESTS);
		assertThat(statuses).filteredOn(HttpStatus.UNAUTHORIZED::equals).hasSize(5);
	}

	/**
	 * Once anyone could lock anyone out: five wrong passwords from anywhere made the
	 * owner's own sign-in a 429.
	 */
	@Test
	void signInWhenAnAttackerUsedUpTheFailuresThenTheOwnerStillSignsInFromAnotherAddress() {
		String email = newEmail();
		String id = signUpId(email);
		WebTestClient attacker = fromAddress(newLoopbackAddress());
		for (int i = 0; i < 8; i++) {
			signIn(attacker, email, "guess " + i).expectStatus().value((status) -> assertThat(status).isIn(401, 429));
		}
		assertTooManyRequests(signIn(attacker, email, PASSWORD));
		JsonNode signedIn = signIn(fromAddress(newLoopbackAddress()), email, PASSWORD).expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
		assertThat(signedIn.get("user").get("id").stringValue()).isEqualTo(id);
	}

	/**
	 * Spellings of one email that PostgreSQL folds to one account are one account to the
	 * limit too: Java folds the dotted capital I and a final capital sigma otherwise,
	 * which once gave one account several allowances.
	 */
	@Test
	void signInWhenTheEmailIsSpelledAsPostgresFoldsItThenOneAllowance() {
		String[] spellings = foldedAlikeByPostgresOnly();
		String local = "x" + java.util.UUID.randomUUID().toString().substring(0, 8);
		String email = local + spellings[0] + "@example.com";
		String id = signUpId(email);
		signIn(this.client, local + spellings[1] + "@example.com", PASSWORD).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.user.id")
			.isEqualTo(id);
		WebTestClient attacker = fromAddress(newLoopbackAddress());
		for (int i = 0; i < 5; i++) {
			signIn(attacker, local + spellings[i % 2] + "@example.com", "guess " + i).expectStatus().isUnauthorized();
		}
		for (String spelling : spellings) {
			assertTooManyRequests(signIn(attacker, local + spelling + "@example.com", "guess"));
		}
	}

	/** Two spellings PostgreSQL's lower() makes equal and Java's toLowerCase does not. */
	private String[] foldedAlikeByPostgresOnly() {
		for (String[] pair : List.of(new String[] { "\u0130", "i" }, new String[] { "\u0391\u03a3", "\u03b1\u03c3" })) {
			boolean postgres = this.db.sql("SELECT lower(:a) = lower(:b)")
				.bind("a", pair[0])
				.bind("b", pair[1])
				.map((row) -> row.get(0, Boolean.class))
				.one()
				.block(Duration.ofSeconds(10));
			boolean javaAlike = (pair[0] + "@").toLowerCase(Locale.ROOT)
				.equals((pair[1] + "@").toLowerCase(Locale.ROOT));
			if (postgres && !javaAlike) {
				return pair;
			}
		}
		throw new AssertionError("This PostgreSQL folds none of the letters Java folds otherwise");
	}

	@Test
	void signInWhenTwentyFailuresFromOneAddressThenTooManyRequestsForAnyEmail() {
		WebTestClient attacker = fromAddress(newLoopbackAddress());
		for (int i = 0; i < 20; i++) {
			signIn(attacker, newEmail(), "guess " + i).expectStatus().isUnauthorized();
		}
		String email = newEmail();
		signUpId(email);
		assertTooManyRequests(signIn(attacker, email, PASSWORD));
		signIn(fromAddress(newLoopbackAddress()), email, PASSWORD).expectStatus().isOk();
	}

	// The API's own tokens

	@Test
	void jwksWhenGetThenOnlyThePublicEd25519KeyAndCacheable() {
		JsonNode jwks = this.client.get()
			.uri("/.well-known/jwks.json")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
			.expectHeader()
			.value(HttpHeaders.CACHE_CONTROL, (value) -> assertThat(value).contains("public", "max-age"))
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
		assertThat(jwks.get("keys")).hasSize(1);
		JsonNode key = jwks.get("keys").get(0);
		assertThat(key.get("kty").stringValue()).isEqualTo("OKP");
		assertThat(key.get("crv").stringValue()).isEqualTo("Ed25519");
		assertThat(key.get("alg").stringValue()).isEqualTo("EdDSA");
		assertThat(key.get("use").stringValue()).isEqualTo("sig");
		assertThat(key.get("kid").stringValue()).isNotBlank();
		assertThat(key.has("x")).isTrue();
		assertThat(key.has("d")).isFalse();
	}

	/**
	 * Checked with the JDK's own Ed25519 and nothing but the published JWKS, as a third
	 * party would.
	 */
	@Test
	void tokenWhenVerifiedWithOnlyThePublishedJwksThenValidWithTheContractClaims() throws Exception {
		String email = newEmail();
		JsonNode signedUp = signUp(email, PASSWORD, "Verifier").expectStatus()
			.isCreated()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
		String token = signedUp.get("token").stringValue();
		JsonNode jwks = this.client.get()
			.uri("/.well-known/jwks.json")
			.exchange()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
		String[] parts = token.split("\\.");
		JsonNode header = json.readTree(Base64.getUrlDecoder().decode(parts[0]));
		JsonNode claims = json.readTree(Base64.getUrlDecoder().decode(parts[1]));
		assertThat(header.get("alg").stringValue()).isEqualTo("EdDSA");
		JsonNode key = null;
		for (JsonNode candidate : jwks.get("keys")) {
			if (candidate.get("kid").stringValue().equals(header.get("kid").stringValue())) {
				key = candidate;
			}
		}
		assertThat(key).as("the token's kid is published").isNotNull();
		byte[] x = Base64.getUrlDecoder().decode(key.get("x").stringValue());
		byte[] spki = new byte[12 + x.length];
		System.arraycopy(new byte[] { 0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00 }, 0, spki,
				0, 12);
		System.arraycopy(x, 0, spki, 12, x.length);
		PublicKey publicKey = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
		Signature verifier = Signature.getInstance("Ed25519");
		verifier.initVerify(publicKey);
		verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
		assertThat(verifier.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
		long now = Instant.now().getEpochSecond();
		assertThat(claims.get("iss").stringValue()).isEqualTo("todo-api");
		assertThat(claims.get("aud").stringValue()).isEqualTo("todo-api");
		assertThat(claims.get("sub").stringValue()).isEqualTo(signedUp.get("user").get("id").stringValue());
		assertThat(claims.get("exp").asLong()).isBetween(now + 3500, now + 3700);
		assertThat(claims.get("email").stringValue()).isEqualTo(email);
		assertThat(claims.get("name").stringValue()).isEqualTo("Verifier");
	}

	@Test
	void tokenWhenSignedWithTheApiKeyButExpiredOrForeignIssuerOrTamperedThenUnauthorized() throws Exception {
		OctetKeyPair key = (OctetKeyPair) JWK
			.parse(this.db.sql("SELECT private_jwk FROM signing_keys WHERE purpose = 'accounts'")
				.map((row) -> row.get(0, String.class))
				.one()
				.block(Duration.ofSeconds(10)));
		Instant now = Instant.now();
		JWTClaimsSet.Builder valid = new JWTClaimsSet.Builder().issuer("todo-api")
			.audience("todo-api")
			.subject(newUser())
			.expirationTime(Date.from(now.plusSeconds(300)));
		assertThat(status(sign(key, valid.build()))).isEqualTo(HttpStatus.OK);
		JWTClaimsSet expired = new JWTClaimsSet.Builder(valid.build()).expirationTime(Date.from(now.minusSeconds(120)))
			.build();
		JWTClaimsSet foreignIssuer = new JWTClaimsSet.Builder(valid.build()).issuer("https://evil.example").build();
		JWTClaimsSet otherAudience = new JWTClaimsSet.Builder(valid.build()).audience("another-api").build();
		JWTClaimsSet noExpiry = new JWTClaimsSet.Builder(valid.build()).expirationTime(null).build();
		JWTClaimsSet numericSubject = new JWTClaimsSet.Builder(valid.build()).claim("sub", 123).build();
		for (JWTClaimsSet claims : List.of(expired, foreignIssuer, otherAudience, noExpiry, numericSubject)) {
			assertThat(status(sign(key, claims))).as(claims.toString()).isEqualTo(HttpStatus.UNAUTHORIZED);
		}
		String token = sign(key, valid.build());
		int signature = token.lastIndexOf('.') + 1;
		String tampered = token.substring(0, signature) + ((token.charAt(signature) == 'A') ? "B" : "A")
				+ token.substring(signature + 1);
		assertThat(tampered).isNotEqualTo(token);
		assertThat(status(tampered)).isEqualTo(HttpStatus.UNAUTHORIZED);
	}

	// Helpers

	private HttpStatus status(String token) {
		return (HttpStatus) bearer(token).get().uri("/api/me").exchange().returnResult(String.class).getStatus();
	}

	private static String sign(OctetKeyPair key, JWTClaimsSet claims) throws Exception {
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID(key.getKeyID()).build(), claims);
		jwt.sign(new Ed25519Signer(key));
		return jwt.serialize();
	}

	private static void assertTooManyRequests(WebTestClient.ResponseSpec response) {
		response.expectStatus()
			.isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.value(HttpHeaders.RETRY_AFTER, (value) -> assertThat(Long.parseLong(value)).isPositive())
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(429);
	}

	private static Map<String, List<String>> headers(EntityExchangeResult<?> result) {
		Map<String, List<String>> headers = new HashMap<>();
		result.getResponseHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), new ArrayList<>(values)));
		// What differs between any two requests by design: their ids and the rate limit's
		// count
		List.of("date", "x-request-id", "x-trace-id", "traceparent", "ratelimit").forEach(headers::remove);
		return headers;
	}

	WebTestClient.ResponseSpec signUp(String email, String password, String name) {
		return this.client.post()
			.uri("/api/auth/sign-up")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("email", email, "password", password, "name", name))
			.exchange();
	}

	private String signUpId(String email) {
		return signUp(email, PASSWORD, "Someone").expectStatus()
			.isCreated()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody()
			.get("user")
			.get("id")
			.stringValue();
	}

	static WebTestClient.ResponseSpec signIn(WebTestClient client, String email, String password) {
		return client.post()
			.uri("/api/auth/sign-in")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("email", email, "password", password))
			.exchange();
	}

	private WebTestClient bearer(String token) {
		return this.client.mutate().defaultHeaders((headers) -> headers.setBearerAuth(token)).build();
	}

	/**
	 * A client whose connections come from the given loopback address, so that the limits
	 * per address of one test do not meet those of another (all of 127.0.0.0/8 is this
	 * machine).
	 */
	private WebTestClient fromAddress(String address) {
		return fromAddress(this.port, address);
	}

	static WebTestClient fromAddress(int port, String address) {
		HttpClient http = HttpClient.create().bindAddress(() -> new InetSocketAddress(address, 0));
		return WebTestClient.bindToServer(new ReactorClientHttpConnector(http))
			.baseUrl("http://127.0.0.1:" + port)
			.responseTimeout(Duration.ofSeconds(30))
			.build();
	}

	static String newLoopbackAddress() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		return "127." + random.nextInt(1, 255) + "." + random.nextInt(0, 256) + "." + random.nextInt(2, 255);
	}

	static String newEmail() {
		return newUser() + "@example.com";
	}

}
