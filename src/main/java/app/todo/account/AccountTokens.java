package app.todo.account;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import app.todo.security.LocalTokenSource;
import app.todo.user.User;

/**
 * Signs the tokens of the built-in accounts: EdDSA with the key's {@code kid}; {@code iss},
 * {@code aud} (a plain string, as Better Auth writes it), {@code sub}, {@code iat}, {@code exp},
 * {@code email} and {@code name}.
 */
final class AccountTokens implements LocalTokenSource {

	private final OctetKeyPair key;

	private final JWSSigner signer;

	private final JWKSet publicKeys;

	private final String issuer;

	private final String audience;

	private final Duration lifetime;

	private final String origin;

	AccountTokens(OctetKeyPair key, String issuer, String audience, Duration lifetime, String origin) {
		this.key = key;
		try {
			this.signer = new Ed25519Signer(key);
		}
		catch (JOSEException ex) {
			throw new IllegalArgumentException(ex);
		}
		this.publicKeys = new JWKSet(key.toPublicJWK());
		this.issuer = issuer;
		this.audience = audience;
		this.lifetime = lifetime;
		this.origin = origin;
	}

	String issue(User user) {
		Instant now = Instant.now();
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

	Duration lifetime() {
		return this.lifetime;
	}

	@Override
	public String issuer() {
		return this.issuer;
	}

	@Override
	public String audience() {
		return this.audience;
	}

	@Override
	public JWKSet publicKeys() {
		return this.publicKeys;
	}

	@Override
	public String description() {
		return "EdDSA tokens of the built-in accounts from POST /api/auth/sign-up and /api/auth/sign-in (issuer "
				+ this.issuer + ", audience " + this.audience + ", key " + this.key.getKeyID() + " " + this.origin
				+ ", public at /.well-known/jwks.json)";
	}

}
