package app.todo;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for Better Auth: serves a JWK set (Ed25519, P-256 and RSA keys, as its JWT
 * plugin can be configured to use) at {@code /api/auth/jwks} on the loopback address, and
 * signs real tokens with those keys or with the shared secret. One per test JVM.
 */
public final class TestIdentityProvider {

	/** The {@code BETTER_AUTH_SECRET} of the tests. */
	public static final String SECRET = "test-only-secret-of-more-than-32-bytes-0123456789";

	private static final TestIdentityProvider INSTANCE = new TestIdentityProvider();

	private final HttpServer server;

	private final OctetKeyPair ed25519 = generate(
			() -> new OctetKeyPairGenerator(Curve.Ed25519).keyID("ed25519-1").generate());

	private final ECKey ec = generate(() -> new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate());

	private final RSAKey rsa = generate(() -> new RSAKeyGenerator(2048).keyID("rsa-1").generate());

	private final AtomicReference<JWKSet> published = new AtomicReference<>();

	private final AtomicInteger jwksRequests = new AtomicInteger();

	private TestIdentityProvider() {
		publish(this.ed25519, this.ec, this.rsa);
		try {
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.server.createContext("/api/auth/jwks", (exchange) -> {
			this.jwksRequests.incrementAndGet();
			byte[] body = this.published.get().toString(true).getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		this.server.start();
	}

	public static TestIdentityProvider get() {
		return INSTANCE;
	}

	/** The {@code BETTER_AUTH_URL}: issuer and audience of its tokens too. */
	public String baseUrl() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	/** Replaces the published keys (public parts only), as a key rotation does. */
	public void publish(JWK... keys) {
		this.published.set(new JWKSet(List.of(keys)).toPublicJWKSet());
	}

	public int jwksRequests() {
		return this.jwksRequests.get();
	}

	public OctetKeyPair ed25519() {
		return this.ed25519;
	}

	public ECKey ec() {
		return this.ec;
	}

	public RSAKey rsa() {
		return this.rsa;
	}

	/** Claims as Better Auth's JWT plugin issues them, valid for 15 minutes. */
	public JWTClaimsSet.Builder claims(String subject) {
		Instant now = Instant.now();
		return new JWTClaimsSet.Builder().subject(subject)
			.issuer(baseUrl())
			.audience(baseUrl())
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(Duration.ofMinutes(15))));
	}

	public String hs256(String subject) {
		return sign(hs256Signer(SECRET.getBytes(StandardCharsets.UTF_8)), JWSAlgorithm.HS256, null,
				claims(subject).build());
	}

	public String eddsa(String subject) {
		return eddsa(claims(subject).build());
	}

	public String eddsa(JWTClaimsSet claims) {
		return sign(generate(() -> new Ed25519Signer(this.ed25519)), JWSAlgorithm.EdDSA, this.ed25519.getKeyID(),
				claims);
	}

	public String es256(String subject) {
		return sign(generate(() -> new ECDSASigner(this.ec)), JWSAlgorithm.ES256, this.ec.getKeyID(),
				claims(subject).build());
	}

	public String rs256(String subject) {
		return sign(generate(() -> new RSASSASigner(this.rsa)), JWSAlgorithm.RS256, this.rsa.getKeyID(),
				claims(subject).build());
	}

	public static JWSSigner hs256Signer(byte[] secret) {
		return generate(() -> new MACSigner(secret));
	}

	/** Signs as the frontends do: {@code alg} and {@code kid}, no {@code typ}. */
	public static String sign(JWSSigner signer, JWSAlgorithm algorithm, String keyId, JWTClaimsSet claims) {
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(keyId).build(), claims);
		try {
			jwt.sign(signer);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

	private static <T> T generate(JoseSupplier<T> supplier) {
		try {
			return supplier.get();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private interface JoseSupplier<T> {

		T get() throws JOSEException;

	}

}
