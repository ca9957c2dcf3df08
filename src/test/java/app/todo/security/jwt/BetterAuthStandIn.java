package app.todo.security.jwt;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpServer;

/**
 * A Better Auth server as far as the API can tell, built only on the JDK
 * ({@code java.security}, {@code javax.crypto}, hand-written JSON): none of the API's own
 * JOSE library, so that a bug shared by signer and verifier cannot hide. Tokens have the
 * exact shape of better-auth 1.7's {@code jwt()} plugin with its defaults (header
 * {@code alg} and {@code kid} only, a 32-character kid, {@code iss} = {@code aud} = the
 * base URL as a plain string, a 32-character {@code sub}, {@code exp} = {@code iat} +
 * 900, no {@code nbf} or {@code jti}, the user's fields as claims), and the JWKS entries
 * have no {@code use}. Also signs its HS256 session cookie cache.
 */
final class BetterAuthStandIn implements AutoCloseable {

	static final String SECRET = "better-auth-secret-of-the-interoperability-tests";

	private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

	private static final SecureRandom random = new SecureRandom();

	private final HttpServer server;

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final List<SigningKey> published = new CopyOnWriteArrayList<>();

	private final AtomicInteger jwksRequests = new AtomicInteger();

	private final AtomicInteger otherRequests = new AtomicInteger();

	private volatile long jwksDelayMillis;

	private volatile boolean jwksFailing;

	BetterAuthStandIn() {
		try {
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.server.setExecutor(this.executor);
		this.server.createContext("/", (exchange) -> {
			if (!"/api/auth/jwks".equals(exchange.getRequestURI().getPath())) {
				this.otherRequests.incrementAndGet();
				exchange.sendResponseHeaders(404, -1);
				exchange.close();
				return;
			}
			this.jwksRequests.incrementAndGet();
			try {
				Thread.sleep(this.jwksDelayMillis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			if (this.jwksFailing) {
				exchange.sendResponseHeaders(503, -1);
				exchange.close();
				return;
			}
			byte[] body = jwks().getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		this.server.start();
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	int jwksRequests() {
		return this.jwksRequests.get();
	}

	/**
	 * Requests to anything but the JWKS, such as a {@code jku} or {@code x5u} a token
	 * names.
	 */
	int otherRequests() {
		return this.otherRequests.get();
	}

	void jwksDelay(long millis) {
		this.jwksDelayMillis = millis;
	}

	void jwksFailing(boolean failing) {
		this.jwksFailing = failing;
	}

	/**
	 * Publishes exactly these keys, as a rotation does (the new key in, the old one out).
	 */
	void publish(SigningKey... keys) {
		this.published.clear();
		this.published.addAll(List.of(keys));
	}

	String jwks() {
		List<String> entries = new ArrayList<>();
		for (SigningKey key : this.published) {
			entries.add(key.jwk());
		}
		return "{\"keys\":[" + String.join(",", entries) + "]}";
	}

	/** A user as Better Auth's session holds it. */
	static Map<String, Object> user(String id, String email, String name) {
		Map<String, Object> user = new LinkedHashMap<>();
		user.put("name", name);
		user.put("email", email);
		user.put("emailVerified", true);
		user.put("image", null);
		user.put("createdAt", "2026-11-22T17:05:00.000Z");
		user.put("updatedAt", "2026-11-23T08:00:00.000Z");
		user.put("id", id);
		return user;
	}

	/**
	 * The claims of {@code jwt()}'s token for this user: {@code iat}, the user, sub, exp,
	 * iss, aud.
	 */
	Map<String, Object> claims(Map<String, Object> user) {
		long now = Instant.now().getEpochSecond();
		Map<String, Object> claims = new LinkedHashMap<>();
		claims.put("iat", now);
		claims.putAll(user);
		claims.put("sub", user.get("id"));
		claims.put("exp", now + 900);
		claims.put("iss", baseUrl());
		claims.put("aud", baseUrl());
		return claims;
	}

	/**
	 * The {@code better-auth.session_data} cookie of the {@code jwt} strategy, signed
	 * HS256.
	 */
	static Map<String, Object> cookieCacheClaims(Map<String, Object> user, String sessionUserId,
			Instant sessionExpiresAt) {
		long now = Instant.now().getEpochSecond();
		Map<String, Object> session = new LinkedHashMap<>();
		session.put("expiresAt", sessionExpiresAt.toString());
		session.put("token", randomId());
		session.put("createdAt", "2026-12-01T10:00:00.000Z");
		session.put("updatedAt", "2026-12-01T10:00:00.000Z");
		session.put("ipAddress", "203.0.113.9");
		session.put("userAgent", "Mozilla/5.0");
		session.put("userId", sessionUserId);
		session.put("id", randomId());
		Map<String, Object> claims = new LinkedHashMap<>();
		claims.put("session", session);
		claims.put("user", user);
		claims.put("updatedAt", System.currentTimeMillis());
		claims.put("version", "1");
		claims.put("iat", now);
		claims.put("exp", now + 300);
		return claims;
	}

	/** Better Auth's ids: 32 alphanumerics. */
	static String randomId() {
		StringBuilder id = new StringBuilder();
		for (int i = 0; i < 32; i++) {
			id.append(ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length())));
		}
		return id.toString();
	}

	static String hs256(byte[] key, Map<String, Object> header, Map<String, Object> claims) {
		String signingInput = signingInput(header, claims);
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key, "HmacSHA256"));
			return signingInput + "." + base64Url(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String hs256(Map<String, Object> claims) {
		return hs256(SECRET.getBytes(StandardCharsets.UTF_8), header("alg", "HS256"), claims);
	}

	static String signingInput(Map<String, Object> header, Map<String, Object> claims) {
		return base64Url(json(header).getBytes(StandardCharsets.UTF_8)) + "."
				+ base64Url(json(claims).getBytes(StandardCharsets.UTF_8));
	}

	static Map<String, Object> header(Object... namesAndValues) {
		Map<String, Object> header = new LinkedHashMap<>();
		for (int i = 0; i < namesAndValues.length; i += 2) {
			header.put((String) namesAndValues[i], namesAndValues[i + 1]);
		}
		return header;
	}

	static String base64Url(byte[] bytes) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	static String json(Object value) {
		if (value == null) {
			return "null";
		}
		if (value instanceof String text) {
			StringBuilder out = new StringBuilder("\"");
			for (char c : text.toCharArray()) {
				switch (c) {
					case '"' -> out.append("\\\"");
					case '\\' -> out.append("\\\\");
					default -> {
						if (c < 0x20) {
							out.append(String.format("\\u%04x", (int) c));
						}
						else {
							out.append(c);
						}
					}
				}
			}
			return out.append('"').toString();
		}
		if (value instanceof Number || value instanceof Boolean) {
			return value.toString();
		}
		if (value instanceof Map<?, ?> map) {
			List<String> members = new ArrayList<>();
			map.forEach((name, member) -> members.add(json(name) + ":" + json(member)));
			return "{" + String.join(",", members) + "}";
		}
		if (value instanceof List<?> list) {
			return "[" + String.join(",", list.stream().map(BetterAuthStandIn::json).toList()) + "]";
		}
		throw new IllegalArgumentException("Not JSON: " + value.getClass());
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

	/**
	 * A key pair of one of the algorithms Better Auth's {@code jwt()} plugin can be set
	 * to.
	 */
	record SigningKey(String alg, String kid, KeyPair pair) {

		static SigningKey eddsa() {
			return generate("EdDSA", "Ed25519", null);
		}

		static SigningKey es256() {
			return generate("ES256", "EC", new ECGenParameterSpec("secp256r1"));
		}

		static SigningKey es512() {
			return generate("ES512", "EC", new ECGenParameterSpec("secp521r1"));
		}

		static SigningKey rs256() {
			return generate("RS256", "RSA", null);
		}

		static SigningKey ps256() {
			return generate("PS256", "RSA", null);
		}

		private static SigningKey generate(String alg, String type, java.security.spec.AlgorithmParameterSpec spec) {
			try {
				KeyPairGenerator generator = KeyPairGenerator.getInstance(type);
				if (spec != null) {
					generator.initialize(spec);
				}
				else if ("RSA".equals(type)) {
					generator.initialize(2048);
				}
				return new SigningKey(alg, randomId(), generator.generateKeyPair());
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException(ex);
			}
		}

		/** The JWKS entry, as the plugin publishes it: no {@code use}. */
		String jwk() {
			Map<String, Object> jwk = new LinkedHashMap<>();
			jwk.put("alg", this.alg);
			switch (this.alg) {
				case "EdDSA" -> {
					byte[] encoded = this.pair.getPublic().getEncoded();
					jwk.put("crv", "Ed25519");
					// X.509 SubjectPublicKeyInfo of Ed25519: a 12-byte prefix, then the
					// 32-byte key
					jwk.put("x", base64Url(Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length)));
					jwk.put("kty", "OKP");
				}
				case "ES256", "ES512" -> {
					ECPublicKey key = (ECPublicKey) this.pair.getPublic();
					int size = "ES256".equals(this.alg) ? 32 : 66;
					jwk.put("kty", "EC");
					jwk.put("x", base64Url(unsigned(key.getW().getAffineX(), size)));
					jwk.put("y", base64Url(unsigned(key.getW().getAffineY(), size)));
					jwk.put("crv", "ES256".equals(this.alg) ? "P-256" : "P-521");
				}
				default -> {
					RSAPublicKey key = (RSAPublicKey) this.pair.getPublic();
					jwk.put("kty", "RSA");
					jwk.put("n", base64Url(unsigned(key.getModulus(), 256)));
					jwk.put("e", base64Url(key.getPublicExponent().toByteArray()));
				}
			}
			jwk.put("kid", this.kid);
			return json(jwk);
		}

		/**
		 * A token as the plugin signs it: header {@code {"alg":...,"kid":...}}, nothing
		 * else.
		 */
		String sign(Map<String, Object> claims) {
			return sign(header("alg", this.alg, "kid", this.kid), claims);
		}

		String sign(Map<String, Object> header, Map<String, Object> claims) {
			String signingInput = signingInput(header, claims);
			return signingInput + "." + base64Url(signature(this.pair.getPrivate(), signingInput));
		}

		private byte[] signature(PrivateKey key, String signingInput) {
			try {
				Signature signature = switch (this.alg) {
					case "EdDSA" -> Signature.getInstance("Ed25519");
					case "ES256" -> Signature.getInstance("SHA256withECDSAinP1363Format");
					case "ES512" -> Signature.getInstance("SHA512withECDSAinP1363Format");
					case "RS256" -> Signature.getInstance("SHA256withRSA");
					case "PS256" -> {
						Signature pss = Signature.getInstance("RSASSA-PSS");
						pss.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
						yield pss;
					}
					default -> throw new IllegalStateException(this.alg);
				};
				signature.initSign(key);
				signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
				return signature.sign();
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException(ex);
			}
		}

		private static byte[] unsigned(BigInteger value, int size) {
			byte[] bytes = value.toByteArray();
			if (bytes.length == size) {
				return bytes;
			}
			byte[] out = new byte[size];
			int from = Math.max(0, bytes.length - size);
			int length = bytes.length - from;
			System.arraycopy(bytes, from, out, size - length, length);
			return out;
		}

	}

}
