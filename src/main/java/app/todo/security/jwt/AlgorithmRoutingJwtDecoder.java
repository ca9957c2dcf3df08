package app.todo.security.jwt;

import java.text.ParseException;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * Sends each token to the one decoder that owns it: a {@link BearerTokenSource} that
 * claims its header, else by algorithm, HS256 to the shared secret and asymmetric
 * algorithms to the JWK set. A token can never pick the key type it is checked with, so
 * an HS256 token signed with a public key (algorithm confusion) meets only the secret.
 * Header tricks are refused here, before any key is looked up or fetched: a token may not
 * name where its key lives ({@code jku}, {@code x5u}) nor bring it ({@code jwk},
 * {@code x5c}), and a {@code kid} must look like a key id, not a path or a query.
 */
final class AlgorithmRoutingJwtDecoder implements ReactiveJwtDecoder {

	static final int MAX_TOKEN_LENGTH = 8 * 1024;

	static final Set<JWSAlgorithm> ASYMMETRIC = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519, JWSAlgorithm.ES256,
			JWSAlgorithm.ES384, JWSAlgorithm.ES512, JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
			JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);

	/** Base64url, UUIDs, thumbprints and Better Auth's 32-character ids all fit. */
	private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_=.-]{1,128}");

	private final List<BearerTokenSource> sources;

	private final @Nullable ReactiveJwtDecoder hmac;

	private final @Nullable ReactiveJwtDecoder asymmetric;

	AlgorithmRoutingJwtDecoder(List<BearerTokenSource> sources, @Nullable ReactiveJwtDecoder hmac,
			@Nullable ReactiveJwtDecoder asymmetric) {
		this.sources = List.copyOf(sources);
		this.hmac = hmac;
		this.asymmetric = asymmetric;
	}

	@Override
	public Mono<Jwt> decode(String token) {
		if (token.length() > MAX_TOKEN_LENGTH) {
			return Mono.error(new BadJwtException("The token is larger than 8 KiB"));
		}
		JWSHeader header = header(token);
		if (header == null) {
			return Mono.error(new BadJwtException("The token's algorithm is not accepted"));
		}
		if (header.getJWKURL() != null || header.getX509CertURL() != null || header.getJWK() != null
				|| header.getX509CertChain() != null) {
			return Mono.error(new BadJwtException("The token names or carries its own key"));
		}
		if (header.getKeyID() != null && !KEY_ID.matcher(header.getKeyID()).matches()) {
			return Mono.error(new BadJwtException("The token's key id is malformed"));
		}
		if (!hasStringSubjectIfAny(token)) {
			// Nimbus reads "sub": 123 as the user "123"; RFC 7519 makes sub a string
			return Mono.error(new BadJwtException("The token's sub is not a string"));
		}
		for (BearerTokenSource source : this.sources) {
			if (source.owns(header)) {
				return source.decoder().decode(token);
			}
		}
		JWSAlgorithm algorithm = header.getAlgorithm();
		ReactiveJwtDecoder decoder = JWSAlgorithm.HS256.equals(algorithm) ? this.hmac
				: ASYMMETRIC.contains(algorithm) ? this.asymmetric : null;
		if (decoder == null) {
			return Mono.error(new BadJwtException("The token's algorithm is not accepted"));
		}
		return decoder.decode(token);
	}

	/** The payload as sent, before any library converts its claims. */
	private static boolean hasStringSubjectIfAny(String token) {
		int first = token.indexOf('.');
		int second = token.indexOf('.', first + 1);
		if (second < 0) {
			return true;
		}
		try {
			Object subject = JSONObjectUtils.parse(new Base64URL(token.substring(first + 1, second)).decodeToString())
				.get("sub");
			return subject == null || subject instanceof String;
		}
		catch (ParseException | RuntimeException ex) {
			// Not a JSON object: the signature and claim checks refuse it
			return true;
		}
	}

	private static @Nullable JWSHeader header(String token) {
		int dot = token.indexOf('.');
		if (dot <= 0) {
			return null;
		}
		try {
			return JWSHeader.parse(new Base64URL(token.substring(0, dot)));
		}
		catch (ParseException ex) {
			// Not a JWS header: "alg":"none", an encrypted token or plain garbage
			return null;
		}
	}

}
