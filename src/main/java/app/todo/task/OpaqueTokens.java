package app.todo.task;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

import org.jspecify.annotations.Nullable;

/**
 * The one codec of the opaque values the API hands out ({@link Cursor},
 * {@link SyncToken}): {@code base64url(payload) "." base64url(digest)}, the digest the
 * first 16 bytes of SHA-256 over a domain (which keeps one kind of token from passing for
 * another), the caller's id, a NUL and the payload. No secret key: each token only ever
 * selects the caller's own rows, so a forged one can reveal nothing; the digest is what
 * turns a damaged token, or another user's, into a {@code 400} instead of a wrong answer.
 */
final class OpaqueTokens {

	private static final int DIGEST_BYTES = 16;

	private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

	private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

	private OpaqueTokens() {
	}

	static String encode(String domain, String callerId, String payload) {
		return ENCODER.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
				+ ENCODER.encodeToString(digest(domain, callerId, payload));
	}

	/**
	 * The payload of a token made by {@link #encode} for this domain and caller; null
	 * otherwise.
	 */
	static @Nullable String decode(String token, String domain, String callerId, int maxLength) {
		int dot = token.indexOf('.');
		if (token.length() > maxLength || dot < 0) {
			return null;
		}
		try {
			String payload = new String(DECODER.decode(token.substring(0, dot)), StandardCharsets.UTF_8);
			byte[] digest = DECODER.decode(token.substring(dot + 1));
			return MessageDigest.isEqual(digest, digest(domain, callerId, payload)) ? payload : null;
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	/** A short digest of any text, safe in a URL. */
	static String digest(String text) {
		return ENCODER.encodeToString(digest("", "", text));
	}

	private static byte[] digest(String domain, String callerId, String payload) {
		try {
			MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
			sha256.update(domain.getBytes(StandardCharsets.UTF_8));
			sha256.update(callerId.getBytes(StandardCharsets.UTF_8));
			sha256.update((byte) 0);
			return Arrays.copyOf(sha256.digest(payload.getBytes(StandardCharsets.UTF_8)), DIGEST_BYTES);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
