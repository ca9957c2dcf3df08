package app.todo.security.jwt;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * The cost of checking one Better Auth-shaped token through the API's real decoder (routing,
 * header checks, signature, claim validators), per algorithm, with and without the cache of
 * verified tokens. Run with {@code ./mvnw -Pjmh test-compile exec:exec} (see docs/operators.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TokenVerificationBenchmark {

	private static final String SECRET = "benchmark-secret-of-more-than-32-bytes-0123456789";

	@Param({ "HS256", "EdDSA", "ES256", "RS256" })
	public String algorithm;

	@Param({ "false", "true" })
	public boolean cached;

	private HttpServer server;

	private ReactiveJwtDecoder decoder;

	private String token;

	@Setup(Level.Trial)
	public void setUp() throws Exception {
		OctetKeyPair ed25519 = new OctetKeyPairGenerator(Curve.Ed25519).keyID("ed").generate();
		ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec").generate();
		RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa").generate();
		byte[] jwks = new JWKSet(List.<JWK>of(ed25519, ec, rsa)).toPublicJWKSet().toString().getBytes(StandardCharsets.UTF_8);
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.createContext("/jwks", (exchange) -> {
			exchange.sendResponseHeaders(200, jwks.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(jwks);
			}
		});
		this.server.start();
		String issuer = "http://127.0.0.1:" + this.server.getAddress().getPort();
		RemoteJwkSet jwkSet = new RemoteJwkSet(JwtConfiguration.jwksClient(), URI.create(issuer + "/jwks"),
				Duration.ofMinutes(5), Duration.ofSeconds(5), new SimpleMeterRegistry());
		// A loaded machine can miss the fetch's 5 s timeout: try again, as the API's schedule does
		for (int attempt = 0; attempt < 10 && !jwkSet.isLoaded(); attempt++) {
			jwkSet.fetch().onErrorResume((ex) -> reactor.core.publisher.Mono.empty()).block(Duration.ofSeconds(30));
		}
		AuthProperties properties = new AuthProperties(SECRET, null, null, null, null, false, Duration.ofSeconds(60),
				Duration.ofMinutes(5), Duration.ofSeconds(5));
		ReactiveJwtDecoder routing = new AlgorithmRoutingJwtDecoder(List.of(),
				JwtConfiguration.hmacDecoder(SECRET.getBytes(StandardCharsets.UTF_8), properties),
				JwtConfiguration.jwksDecoder(jwkSet, TokenValidators.standard(Duration.ofSeconds(60), issuer, issuer)));
		this.decoder = this.cached ? new VerifiedTokenCache(routing) : routing;
		Instant now = Instant.now();
		JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF")
			.issuer(issuer)
			.audience(issuer)
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(Duration.ofHours(1))))
			.claim("email", "alice@example.com")
			.claim("name", "Alice Example")
			.claim("emailVerified", true)
			.build();
		this.token = switch (this.algorithm) {
			case "HS256" -> sign(new MACSigner(SECRET), JWSAlgorithm.HS256, null, claims);
			case "EdDSA" -> sign(new Ed25519Signer(ed25519), JWSAlgorithm.EdDSA, "ed", claims);
			case "ES256" -> sign(new ECDSASigner(ec), JWSAlgorithm.ES256, "ec", claims);
			default -> sign(new RSASSASigner(rsa), JWSAlgorithm.RS256, "rsa", claims);
		};
		if (this.decoder.decode(this.token).block(Duration.ofSeconds(10)) == null) {
			throw new IllegalStateException("The benchmark's token is not accepted");
		}
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.server.stop(0);
	}

	@Benchmark
	public Jwt decode() {
		return this.decoder.decode(this.token).block();
	}

	private static String sign(JWSSigner signer, JWSAlgorithm algorithm, String keyId, JWTClaimsSet claims)
			throws Exception {
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(keyId).build(), claims);
		jwt.sign(signer);
		return jwt.serialize();
	}

}
