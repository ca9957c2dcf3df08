import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs one HS256 token, valid for a day, per line of standard input ("subject [rest]"), and
 * prints "token subject [rest]": thousands of tokens in one process, where openssl would need several
 * per token. Run as {@code java Tokens.java <secret>}.
 */
class Tokens {

	public static void main(String[] args) throws Exception {
		Mac mac = Mac.getInstance("HmacSHA256");
		mac.init(new SecretKeySpec(args[0].getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
		Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
		String header = base64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
		long now = System.currentTimeMillis() / 1000;
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		StringBuilder out = new StringBuilder();
		for (String line = in.readLine(); line != null; line = in.readLine()) {
			String[] fields = line.split(" ", 2);
			String claims = "{\"sub\":\"%s\",\"iat\":%d,\"exp\":%d}".formatted(fields[0], now, now + 86400);
			String signingInput = header + "." + base64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
			String signature = base64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
			out.append(signingInput).append('.').append(signature).append(' ').append(fields[0]);
			out.append((fields.length > 1) ? " " + fields[1] : "").append('\n');
		}
		System.out.print(out);
	}

}
