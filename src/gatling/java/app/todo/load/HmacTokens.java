package app.todo.load;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/** HS256 tokens signed with the secret the API trusts (its {@code BETTER_AUTH_SECRET}). */
final class HmacTokens {

	private final MACSigner signer;

	private final Duration lifetime;

	HmacTokens(String secret, Duration lifetime) {
		if (secret == null || secret.isBlank()) {
			throw new IllegalArgumentException("-Dtokens=secret needs BETTER_AUTH_SECRET in the environment: the secret"
					+ " the API trusts (never on the command line)");
		}
		try {
			this.signer = new MACSigner(secret);
		}
		catch (JOSEException ex) {
			throw new IllegalArgumentException("The secret must be at least 32 bytes", ex);
		}
		this.lifetime = lifetime;
	}

	String sign(String subject) {
		Instant now = Instant.now();
		JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject)
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(this.lifetime)))
			.build();
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
		try {
			jwt.sign(this.signer);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

}
