package app.todo.account;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import app.todo.security.jwt.BearerTokenSource;
import app.todo.security.jwt.TokenValidators;
import app.todo.user.User;

import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * Signs the tokens of the built-in accounts: EdDSA with the key's {@code kid};
 * {@code iss}, {@code aud} (a plain string, as Better Auth writes it), {@code sub},
 * {@code iat}, {@code exp}, {@code email} and {@code name}. As a
 * {@link BearerTokenSource} it checks the tokens whose {@code kid} is its key's, with
 * that key only and the checks every source makes, so the API's own tokens never send the
 * Better Auth JWKS looking for their key.
 */
final class AccountTokens implements BearerTokenSource {

	private final OctetKeyPair key;

	private final JWSSigner signer;

	private final JWSVerifier verifier;

	private final ReactiveJwtDecoder decoder;

	private final JWKSet publicKeys;

	private final String issuer;

	private final String audience;

	private final Duration lifetime;

	private final String origin;

	AccountTokens(OctetKeyPair key, String issuer, String audience, Duration lifetime, String origin) {
		this.key = key;
		try {
			this.signer = new Ed25519Signer(key);
			this.verifier = new Ed25519Verifier(key.toPublicJWK());
		}
		catch (JOSEException ex) {
			throw new IllegalArgumentException(ex);
		}
		this.publicKeys = new JWKSet(key.toPublicJWK());
		this.issuer = issuer;
		this.audience = audience;
		this.lifetime = lifetime;
		this.origin = origin;
		NimbusReactiveJwtDecoder decoder = new NimbusReactiveJwtDecoder(this::verify);
		decoder.setJwtValidator(TokenValidators.standard(TokenValidators.MAX_CLOCK_SKEW, issuer, audience));
		this.decoder = decoder;
	}

	String issue(User user) {
		return issue(user, null);
	}

	/**
	 * A token issued no earlier than {@code notBefore} (the user's last revocation, the
	 * next whole second when it was just made), so that it is not refused as older.
	 */
	String issue(User user, @Nullable Instant notBefore) {
		Instant now = Instant.now();
		if (notBefore != null && notBefore.isAfter(now)) {
			now = notBefore;
		}
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(this.issuer)
			.audience(this.audience)
			.subject(user.id())
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(this.lifetime)));
		if (user.email() != null) {
			claims.claim("email", user.email());
		}
		if (user.name() != null) {
			claims.claim("name", user.name());
		}
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID(this.key.getKeyID()).build(),
				claims.build());
		try {
			jwt.sign(this.signer);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

	/** The public key, for {@code /.well-known/jwks.json}. */
	JWKSet publicKeys() {
		return this.publicKeys;
	}

	@Override
	public boolean owns(JWSHeader header) {
		return this.key.getKeyID().equals(header.getKeyID());
	}

	@Override
	public ReactiveJwtDecoder decoder() {
		return this.decoder;
	}

	private Mono<JWTClaimsSet> verify(JWT jwt) {
		if (!(jwt instanceof SignedJWT signed)) {
			return Mono.error(new BadJwtException("The token is not signed"));
		}
		JWSAlgorithm algorithm = signed.getHeader().getAlgorithm();
		if (!JWSAlgorithm.EdDSA.equals(algorithm) && !JWSAlgorithm.Ed25519.equals(algorithm)) {
			return Mono.error(new BadJwtException("The token's algorithm is not accepted"));
		}
		try {
			if (signed.verify(this.verifier)) {
				return Mono.just(signed.getJWTClaimsSet());
			}
			return Mono.error(new BadJwtException("The token's signature does not match its key"));
		}
		catch (JOSEException | ParseException | IllegalStateException ex) {
			return Mono.error(new BadJwtException("The token could not be verified", ex));
		}
	}

	@Override
	public String description() {
		return "EdDSA tokens of the built-in accounts from POST /api/auth/sign-up and /api/auth/sign-in (issuer "
				+ this.issuer + ", audience " + this.audience + ", key " + this.key.getKeyID() + " " + this.origin
				+ ", public at /.well-known/jwks.json)";
	}

}
