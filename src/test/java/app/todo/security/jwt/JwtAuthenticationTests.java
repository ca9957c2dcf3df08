package app.todo.security.jwt;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import app.todo.ApiTestSupport;
import app.todo.TestIdentityProvider;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bearer tokens through the real security chain: which signed tokens get in, and that
 * every other one meets a {@code 401} problem with the RFC 6750 challenge.
 */
class JwtAuthenticationTests extends ApiTestSupport {

	private static final String INVALID_TOKEN = "Bearer error=\"invalid_token\"";

	private static final byte[] SECRET = TestIdentityProvider.SECRET.getBytes(StandardCharsets.UTF_8);

	// Accepted

	@Test
	void getWhenHs256TokenThenOk() {
		assertAccepted(identityProvider.hs256(newUser()));
	}

	@Test
	void getWhenEdDsaTokenWithoutTypHeaderThenOk() throws ParseException {
		String token = identityProvider.eddsa(newUser());
		SignedJWT jwt = SignedJWT.parse(token);
		assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.EdDSA);
		assertThat(jwt.getHeader().getType()).isNull();
		assertThat(jwt.getHeader().getKeyID()).isEqualTo("ed25519-1");
		assertAccepted(token);
	}

	@Test
	void getWhenEs256TokenThenOk() {
		assertAccepted(identityProvider.es256(newUser()));
	}

	@Test
	void getWhenRs256TokenThenOk() {
		assertAccepted(identityProvider.rs256(newUser()));
	}

	@Test
	void getWhenEdDsaTokenCarriesBetterAuthUserClaimsThenOk() {
		String user = newUser();
		JWTClaimsSet claims = identityProvider.claims(user)
			.claim("id", user)
			.claim("name", "Alice Example")
			.claim("email", "alice@example.com")
			.claim("emailVerified", true)
			.claim("createdAt", "2026-11-22T17:05:00.000Z")
			.claim("updatedAt", "2026-11-23T08:00:00.000Z")
			.build();
		assertAccepted(identityProvider.eddsa(claims));
	}

	@Test
	void getWhenTokenExpiredWithinClockSkewThenOk() {
		Instant now = Instant.now();
		JWTClaimsSet claims = identityProvider.claims(newUser())
			.issueTime(Date.from(now.minus(Duration.ofMinutes(15))))
			.expirationTime(Date.from(now.minusSeconds(30)))
			.build();
		assertAccepted(hs256(claims));
		assertAccepted(identityProvider.eddsa(claims));
	}

	@Test
	void getWhenSubjectIs255CharactersThenOk() {
		JWTClaimsSet claims = identityProvider.claims("u".repeat(255)).build();
		assertAccepted(hs256(claims));
		assertAccepted(identityProvider.eddsa(claims));
	}

	@Test
	void getWhenTokenJustUnder8KibThenOk() {
		String token = identityProvider
			.eddsa(identityProvider.claims(newUser()).claim("padding", "x".repeat(5500)).build());
		assertThat(token.length()).isBetween(7000, AlgorithmRoutingJwtDecoder.MAX_TOKEN_LENGTH);
		assertAccepted(token);
	}

	// Rejected: signatures and algorithms

	@Test
	void getWhenSignatureTamperedThenUnauthorized() {
		assertRejected(tamperSignature(identityProvider.hs256(newUser())));
		assertRejected(tamperSignature(identityProvider.eddsa(newUser())));
		assertRejected(tamperSignature(identityProvider.es256(newUser())));
		assertRejected(tamperSignature(identityProvider.rs256(newUser())));
	}

	@Test
	void getWhenAlgNoneThenUnauthorized() {
		String header = Base64URL.encode("{\"alg\":\"none\"}").toString();
		String payload = Base64URL.encode(identityProvider.claims(newUser()).build().toString()).toString();
		assertRejected(header + "." + payload + ".");
	}

	@Test
	void getWhenHs384SignedWithTheSecretThenUnauthorized() {
		assertRejected(TestIdentityProvider.sign(TestIdentityProvider.hs256Signer(SECRET), JWSAlgorithm.HS384, null,
				identityProvider.claims(newUser()).build()));
	}

	@Test
	void getWhenHs256SignedWithWrongSecretThenUnauthorized() {
		byte[] wrong = new byte[32];
		new SecureRandom().nextBytes(wrong);
		assertRejected(TestIdentityProvider.sign(TestIdentityProvider.hs256Signer(wrong), JWSAlgorithm.HS256, null,
				identityProvider.claims(newUser()).build()));
	}

	@Test
	void getWhenHs256SignedWithRsaPublicKeyThenUnauthorized() throws JOSEException {
		// Algorithm confusion: the public key, which anyone can read from the JWKS, as an
		// HMAC secret
		MACSigner signer = new MACSigner(identityProvider.rsa().toRSAPublicKey().getEncoded());
		JWTClaimsSet claims = identityProvider.claims(newUser()).build();
		assertRejected(TestIdentityProvider.sign(signer, JWSAlgorithm.HS256, "rsa-1", claims));
		assertRejected(TestIdentityProvider.sign(signer, JWSAlgorithm.HS256, null, claims));
	}

	@Test
	void getWhenEdDsaSignedByUnpublishedKeyWithKnownKidThenUnauthorized() throws JOSEException {
		OctetKeyPair stranger = new OctetKeyPairGenerator(Curve.Ed25519).keyID("ed25519-1").generate();
		assertRejected(TestIdentityProvider.sign(new Ed25519Signer(stranger), JWSAlgorithm.EdDSA, "ed25519-1",
				identityProvider.claims(newUser()).build()));
	}

	@Test
	void getWhenEdDsaSignedByUnpublishedKeyWithUnknownKidThenUnauthorized() throws JOSEException {
		OctetKeyPair stranger = new OctetKeyPairGenerator(Curve.Ed25519).keyID("ed25519-unknown").generate();
		assertRejected(TestIdentityProvider.sign(new Ed25519Signer(stranger), JWSAlgorithm.EdDSA, "ed25519-unknown",
				identityProvider.claims(newUser()).build()));
	}

	@Test
	void getWhenManyTokensNameUnknownKeysThenTheJwkSetIsRefetchedAtMostOnce() throws JOSEException {
		assertAccepted(identityProvider.eddsa(newUser()));
		int before = identityProvider.jwksRequests();
		for (int i = 0; i < 20; i++) {
			OctetKeyPair stranger = new OctetKeyPairGenerator(Curve.Ed25519).keyID("flood-" + i).generate();
			assertRejected(TestIdentityProvider.sign(new Ed25519Signer(stranger), JWSAlgorithm.EdDSA, "flood-" + i,
					identityProvider.claims(newUser()).build()));
		}
		assertThat(identityProvider.jwksRequests() - before).isLessThanOrEqualTo(1);
		assertAccepted(identityProvider.eddsa(newUser()));
	}

	@Test
	void getWhenHeaderEmbedsTheSignersOwnJwkThenUnauthorized() throws JOSEException {
		// A token may not bring its own key: only the published JWK set counts
		OctetKeyPair stranger = new OctetKeyPairGenerator(Curve.Ed25519).keyID("ed25519-1").generate();
		SignedJWT jwt = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID("ed25519-1").jwk(stranger.toPublicJWK()).build(),
				identityProvider.claims(newUser()).build());
		jwt.sign(new Ed25519Signer(stranger));
		assertRejected(jwt.serialize());
	}

	@Test
	void getWhenEs256SignatureIsAllZeroBytesThenUnauthorized() {
		// CVE-2022-21449, "psychic signatures": r = s = 0
		String token = identityProvider.es256(newUser());
		String zeros = Base64URL.encode(new byte[64]).toString();
		assertRejected(token.substring(0, token.lastIndexOf('.') + 1) + zeros);
	}

	// Rejected: claims (each through both the shared secret and the JWKS)

	@Test
	void getWhenTokenExpiredFiveMinutesAgoThenUnauthorized() {
		Instant now = Instant.now();
		assertRejectedBySecretAndJwks(identityProvider.claims(newUser())
			.issueTime(Date.from(now.minus(Duration.ofMinutes(20))))
			.expirationTime(Date.from(now.minus(Duration.ofMinutes(5))))
			.build());
	}

	@Test
	void getWhenNotBeforeFiveMinutesAheadThenUnauthorized() {
		assertRejectedBySecretAndJwks(identityProvider.claims(newUser())
			.notBeforeTime(Date.from(Instant.now().plus(Duration.ofMinutes(5))))
			.build());
	}

	@Test
	void getWhenNoExpirationThenUnauthorized() {
		Instant now = Instant.now();
		assertRejectedBySecretAndJwks(new JWTClaimsSet.Builder().subject(newUser())
			.issuer(identityProvider.baseUrl())
			.audience(identityProvider.baseUrl())
			.issueTime(Date.from(now))
			.build());
	}

	@Test
	void getWhenNoSubjectThenUnauthorized() {
		Instant now = Instant.now();
		assertRejectedBySecretAndJwks(new JWTClaimsSet.Builder().issuer(identityProvider.baseUrl())
			.audience(identityProvider.baseUrl())
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(Duration.ofMinutes(15))))
			.build());
	}

	/** RFC 7519 makes sub a string: 123 was once accepted as user "123". */
	@Test
	void getWhenSubjectIsNotAJsonStringThenUnauthorized() {
		for (Object subject : List.of(123, 123L, 1.5, true, List.of("user"), Map.of("id", "user"))) {
			assertRejectedBySecretAndJwks(
					new JWTClaimsSet.Builder(identityProvider.claims("ignored").build()).claim("sub", subject).build());
		}
		// The same subject as a string is fine
		assertAccepted(hs256(identityProvider.claims("123").build()));
	}

	@Test
	void getWhenSubjectBlankThenUnauthorized() {
		assertRejectedBySecretAndJwks(identityProvider.claims("   ").build());
	}

	@Test
	void getWhenSubjectIs256CharactersThenUnauthorized() {
		assertRejectedBySecretAndJwks(identityProvider.claims("u".repeat(256)).build());
	}

	@Test
	void getWhenWrongIssuerThenUnauthorized() {
		JWTClaimsSet claims = identityProvider.claims(newUser()).issuer("https://evil.example").build();
		assertRejected(identityProvider.eddsa(claims));
		assertRejected(TestIdentityProvider.sign(es256Signer(), JWSAlgorithm.ES256, "ec-1", claims));
	}

	@Test
	void getWhenWrongAudienceThenUnauthorized() {
		JWTClaimsSet claims = identityProvider.claims(newUser()).audience("https://other-api.example").build();
		assertRejected(identityProvider.eddsa(claims));
		assertRejected(TestIdentityProvider.sign(es256Signer(), JWSAlgorithm.ES256, "ec-1", claims));
	}

	// Rejected: shape

	@Test
	void getWhenTokenOver8KibThenUnauthorized() {
		String token = identityProvider
			.eddsa(identityProvider.claims(newUser()).claim("padding", "x".repeat(9000)).build());
		assertThat(token.length()).isGreaterThan(AlgorithmRoutingJwtDecoder.MAX_TOKEN_LENGTH);
		assertRejected(token);
	}

	@Test
	void getWhenTokenIsNotAJwtThenUnauthorized() {
		assertRejected("abc");
	}

	@Test
	void getWhenTokenHasThreeGarbageSegmentsThenUnauthorized() {
		assertRejected("a.b.c");
	}

	// No bearer token at all

	@Test
	void getWhenNoAuthorizationHeaderThenUnauthorizedWithBareChallenge() {
		this.client.get()
			.uri("/api/tasks")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(401)
			.jsonPath("$.title")
			.isNotEmpty()
			.jsonPath("$.instance")
			.isEqualTo("/api/tasks");
	}

	@Test
	void getWhenBasicAuthorizationThenUnauthorized() {
		String credentials = Base64.getEncoder().encodeToString("alice:password".getBytes(StandardCharsets.UTF_8));
		this.client.get()
			.uri("/api/tasks")
			.header(HttpHeaders.AUTHORIZATION, "Basic " + credentials)
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(401);
	}

	@Test
	void getWhenTokenRejectedThenBodyNeverContainsTheToken() {
		Instant now = Instant.now();
		String expired = identityProvider.eddsa(identityProvider.claims(newUser())
			.issueTime(Date.from(now.minus(Duration.ofMinutes(20))))
			.expirationTime(Date.from(now.minus(Duration.ofMinutes(5))))
			.build());
		for (String token : new String[] { tamperSignature(identityProvider.hs256(newUser())), expired,
				identityProvider.eddsa(identityProvider.claims(newUser()).issuer("https://evil.example").build()) }) {
			String body = unauthorizedBody(token);
			String[] parts = token.split("\\.");
			assertThat(body).doesNotContain(token)
				.doesNotContain(parts[0])
				.doesNotContain(parts[1])
				.doesNotContain(parts[2]);
		}
	}

	// Support

	private WebTestClient.ResponseSpec getTasks(String token) {
		return this.client.get().uri("/api/tasks").headers((headers) -> headers.setBearerAuth(token)).exchange();
	}

	private void assertAccepted(String token) {
		getTasks(token).expectStatus().isOk().expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON);
	}

	private void assertRejected(String token) {
		String body = unauthorizedBody(token);
		assertThat(body).contains("\"status\":401").doesNotContain(token);
	}

	private void assertRejectedBySecretAndJwks(JWTClaimsSet claims) {
		assertRejected(hs256(claims));
		assertRejected(identityProvider.eddsa(claims));
	}

	private String unauthorizedBody(String token) {
		return getTasks(token).expectStatus()
			.isUnauthorized()
			.expectHeader()
			.valueEquals(HttpHeaders.WWW_AUTHENTICATE, INVALID_TOKEN)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
	}

	private static String hs256(JWTClaimsSet claims) {
		return TestIdentityProvider.sign(TestIdentityProvider.hs256Signer(SECRET), JWSAlgorithm.HS256, null, claims);
	}

	private static ECDSASigner es256Signer() {
		try {
			return new ECDSASigner(identityProvider.ec());
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Changes one character in the middle of the signature, so that its bytes surely
	 * differ.
	 */
	private static String tamperSignature(String token) {
		int at = token.lastIndexOf('.') + 5;
		char replacement = (token.charAt(at) == 'A') ? 'B' : 'A';
		return token.substring(0, at) + replacement + token.substring(at + 1);
	}

}
