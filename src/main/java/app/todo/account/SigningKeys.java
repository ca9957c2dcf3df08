package app.todo.account;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.text.ParseException;
import java.util.Arrays;
import java.util.Base64;

import com.google.crypto.tink.subtle.Ed25519Sign;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.util.Base64URL;
import reactor.core.publisher.Mono;

import app.todo.InvalidConfigurationException;

import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The Ed25519 key the API signs its own tokens with: given by
 * {@code ACCOUNTS_SIGNING_KEY}, or generated on first start and kept in the database.
 * Replicas starting at once each offer a key with an insert-if-absent and all read back
 * the one that won.
 */
final class SigningKeys {

	static final String PURPOSE = "accounts";

	/**
	 * PKCS#8 of an Ed25519 private key is this prefix and the 32-byte seed (RFC 8410).
	 */
	private static final byte[] PKCS8_ED25519_PREFIX = { 0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b,
			0x65, 0x70, 0x04, 0x22, 0x04, 0x20 };

	private static final String OFFER = """
			INSERT INTO signing_keys (purpose, key_id, private_jwk) VALUES (:purpose, :keyId, :jwk)
			ON CONFLICT (purpose) DO NOTHING""";

	private static final String READ = "SELECT private_jwk FROM signing_keys WHERE purpose = :purpose";

	private final DatabaseClient db;

	SigningKeys(DatabaseClient db) {
		this.db = db;
	}

	/** The purpose's key, made and stored if there is none yet. */
	Mono<OctetKeyPair> loadOrCreate(String purpose) {
		return Mono.fromCallable(SigningKeys::generate)
			.flatMap((offered) -> this.db.sql(OFFER)
				.bind("purpose", purpose)
				.bind("keyId", offered.getKeyID())
				.bind("jwk", offered.toJSONString())
				.then()
				.then(this.db.sql(READ).bind("purpose", purpose).map((row) -> row.get(0, String.class)).one())
				.map(SigningKeys::parseStored));
	}

	static OctetKeyPair generate() throws JOSEException {
		return withMetadata(new OctetKeyPairGenerator(Curve.Ed25519).generate());
	}

	/**
	 * {@code ACCOUNTS_SIGNING_KEY}: an OKP JWK with its private part {@code d}, or a
	 * PKCS#8 PEM as {@code openssl genpkey -algorithm ed25519} writes it. Never echoed in
	 * an error.
	 */
	static OctetKeyPair parseConfigured(String value) {
		try {
			OctetKeyPair key;
			if (value.startsWith("{")) {
				key = (JWK.parse(value) instanceof OctetKeyPair okp) ? okp : null;
			}
			else {
				key = fromPem(value);
			}
			if (key != null && Curve.Ed25519.equals(key.getCurve()) && key.isPrivate()) {
				return withMetadata(key);
			}
		}
		catch (ParseException | GeneralSecurityException | JOSEException | IllegalArgumentException ex) {
			// reported below, without the value
		}
		throw new InvalidConfigurationException("ACCOUNTS_SIGNING_KEY is not an Ed25519 private key.",
				"Give a private OKP JWK (with \"d\") or a PKCS#8 PEM, for example the output of: openssl genpkey -algorithm ed25519; or leave it unset to keep a generated key in the database.");
	}

	private static OctetKeyPair parseStored(String json) {
		try {
			return (OctetKeyPair) JWK.parse(json);
		}
		catch (ParseException | ClassCastException ex) {
			throw new IllegalStateException("The stored signing key is not an Ed25519 JWK", ex);
		}
	}

	private static OctetKeyPair fromPem(String pem) throws GeneralSecurityException {
		String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
		byte[] der = Base64.getDecoder().decode(base64.getBytes(StandardCharsets.US_ASCII));
		if (der.length != PKCS8_ED25519_PREFIX.length + 32 || !Arrays.equals(der, 0, PKCS8_ED25519_PREFIX.length,
				PKCS8_ED25519_PREFIX, 0, PKCS8_ED25519_PREFIX.length)) {
			throw new IllegalArgumentException("Not an Ed25519 PKCS#8 key");
		}
		byte[] seed = Arrays.copyOfRange(der, PKCS8_ED25519_PREFIX.length, der.length);
		Ed25519Sign.KeyPair pair = Ed25519Sign.KeyPair.newKeyPairFromSeed(seed);
		return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(pair.getPublicKey())).d(Base64URL.encode(seed))
			.build();
	}

	/** A key id from the key itself (RFC 7638), so that one key always has one id. */
	private static OctetKeyPair withMetadata(OctetKeyPair key) throws JOSEException {
		return new OctetKeyPair.Builder(key).keyIDFromThumbprint()
			.algorithm(JWSAlgorithm.EdDSA)
			.keyUse(KeyUse.SIGNATURE)
			.build();
	}

}
