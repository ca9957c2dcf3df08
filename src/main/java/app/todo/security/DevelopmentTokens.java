package app.todo.security;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Development mode's token issuer: when the API runs on its embedded database with no token
 * source configured, {@code POST /dev/token?sub=alice} hands out HS256 tokens signed with a
 * random key that lives as long as the process. Never active with a configured database.
 */
final class DevelopmentTokens {

	static final Duration LIFETIME = Duration.ofHours(12);

	private final byte[] secret = new byte[32];

	DevelopmentTokens() {
		new SecureRandom().nextBytes(this.secret);
	}

	byte[] secret() {
		return this.secret.clone();
	}

	String issue(String subject) {
		Instant now = Instant.now();
		JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject)
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(LIFETIME)))
			.build();
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
		try {
			jwt.sign(new MACSigner(this.secret));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

}
