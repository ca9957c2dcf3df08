package app.todo.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.PoolMetrics;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

import app.todo.ApiTestSupport;
import app.todo.TestIdentityProvider;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of malformed requests from a fixed seed, over raw sockets so that nothing is
 * cleaned up on the way: mangled request lines and framing, headers, content types,
 * bodies, paths, query strings and tokens, at eight at once, each on a connection of its
 * own (the head first, then the body unless an answer came within 30 ms). Every one must
 * get an HTTP answer below 500 within 10 seconds (no server error, no connection dropped
 * without an answer, no hang); afterwards another user's tasks are exactly as they were,
 * and no pooled connection is held.
 * <p>
 * 2,000 requests in the normal test run; {@code -Dhostile.requests=10000} (and
 * {@code -Dhostile.seed=...}) for a longer run, as docs/operators.md shows.
 */
class HostileRequestsTests extends ApiTestSupport {

	private static final long SEED = Long.getLong("hostile.seed", 20261202L);

	private static final int REQUESTS = Integer.getInteger("hostile.requests", 2_000);

	private static final int CONCURRENCY = 8;

	private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration EARLY_ANSWER_WAIT = Duration.ofMillis(30);

	@LocalServerPort
	private int port;

	@Autowired
	private ConnectionPool pool;

	@Test
	void hostileRequestsWhenThousandsThenNoServerErrorDropOrHangAndOthersUnchanged() {
		String victim = newUser();
		String victimToken = identityProvider.hs256(victim);
		List<Long> victimIds = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			victimIds.add(as(victim).post()
				.uri("/api/tasks")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"title\": \"Victim " + i + "\", \"tags\": [\"mine\"]}")
				.exchange()
				.expectStatus()
				.isCreated()
				.expectBody(JsonNode.class)
				.returnResult()
				.getResponseBody()
				.get("id")
				.asLong());
		}
		String before = victimTasks(victim);
		String attacker = newUser();
		long attackerTask = as(attacker).post()
			.uri("/api/tasks")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"Mine\"}")
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody()
			.get("id")
			.asLong();
		// Built once per process on its first request, which takes seconds on a busy
		// machine
		this.client.get().uri("/v3/api-docs").exchange().expectStatus().isOk();
		Generator generator = new Generator(new Random(SEED), attacker, victim, victimIds, attackerTask);
		List<byte[]> requests = new ArrayList<>();
		for (int i = 0; i < REQUESTS; i++) {
			requests.add(generator.next());
		}
		assertThat(new String(
				String.join("", requests.stream().map((r) -> new String(r, StandardCharsets.ISO_8859_1)).toList()))
			.contains(victimToken)).as("the victim's token is never sent").isFalse();
		Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
		ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
		long start = System.nanoTime();
		Flux.range(0, REQUESTS).parallel(CONCURRENCY).runOn(Schedulers.boundedElastic()).doOnNext((i) -> {
			String failure = send(requests.get(i), i, statuses);
			if (failure != null) {
				failures.add(failure);
			}
		}).sequential().blockLast(Duration.ofMinutes(30));
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		System.out.println("Hostile requests: " + REQUESTS + " (seed " + SEED + ") in " + took.toMillis()
				+ " ms, statuses " + new java.util.TreeMap<>(statuses) + ", failures " + failures.size());
		assertThat(failures).as("requests answered 5xx, dropped or left hanging").isEmpty();
		assertThat(victimTasks(victim)).as("the other user's tasks").isEqualTo(before);
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		PoolMetrics metrics = this.pool.getMetrics().orElseThrow();
		while (metrics.acquiredSize() > 0 && System.nanoTime() < deadline) {
			Mono.delay(Duration.ofMillis(100)).block();
		}
		assertThat(metrics.acquiredSize()).as("pooled connections still held").isZero();
		this.client.get().uri("/readyz").exchange().expectStatus().isOk();
	}

	private String victimTasks(String victim) {
		return as(victim).get()
			.uri("/api/tasks?limit=200")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
	}

	/**
	 * Sends one request on a connection of its own; null when answered below 500, else
	 * why not.
	 */
	private String send(byte[] request, int index, Map<Integer, AtomicInteger> statuses) {
		// From an address of its own in 127/8: failed sign-ins here are no other test's
		// business
		int n = index + 1;
		InetAddress local;
		try {
			local = InetAddress.getByAddress(new byte[] { 127, 66, (byte) (n >> 8), (byte) (n & 0xFF) });
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		try (Socket socket = new Socket()) {
			socket.bind(new InetSocketAddress(local, 0));
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port), 5_000);
			// The head first, and the body only if no answer came yet, as a careful
			// client does:
			// a server that answers early and closes would otherwise reset the connection
			// under
			// the body still on its way, and lose its own answer
			ByteArrayOutputStream received = new ByteArrayOutputStream();
			int headEnd = indexOfHeadEnd(request);
			if (headEnd > 0 && headEnd < request.length) {
				socket.getOutputStream().write(request, 0, headEnd);
				socket.getOutputStream().flush();
				socket.setSoTimeout((int) EARLY_ANSWER_WAIT.toMillis());
				try {
					readSome(socket.getInputStream(), received);
				}
				catch (SocketTimeoutException ex) {
					// nothing yet
				}
				if (finalStatusLine(received) == null) {
					socket.getOutputStream().write(request, headEnd, request.length - headEnd);
					socket.getOutputStream().flush();
				}
			}
			else {
				socket.getOutputStream().write(request);
				socket.getOutputStream().flush();
			}
			socket.setSoTimeout((int) ANSWER_TIMEOUT.toMillis());
			while (finalStatusLine(received) == null && readSome(socket.getInputStream(), received)) {
				// until the answer's status line, past any 100 Continue, or the close
			}
			String head = finalStatusLine(received);
			if (head == null) {
				return describe(request, "no answer before the connection closed: '"
						+ received.toString(StandardCharsets.ISO_8859_1) + "'");
			}
			int status = Integer.parseInt(head.substring(9, 12));
			statuses.computeIfAbsent(status, (key) -> new AtomicInteger()).incrementAndGet();
			return (status >= 500) ? describe(request, head.lines().findFirst().orElse("")) : null;
		}
		catch (SocketTimeoutException ex) {
			return describe(request, "no answer within " + ANSWER_TIMEOUT);
		}
		catch (IOException ex) {
			// Past the limits of the request line (4 KiB) or of the headers (16 KiB)
			// Netty answers
			// 414 or 431 and closes with the rest unread, which TCP turns into a reset
			if (isOversized(request)) {
				statuses.computeIfAbsent(-1, (key) -> new AtomicInteger()).incrementAndGet();
				return null;
			}
			return describe(request, "connection failed: " + ex);
		}
	}

	private static int indexOfHeadEnd(byte[] request) {
		for (int i = 3; i < request.length; i++) {
			if (request[i - 3] == '\r' && request[i - 2] == '\n' && request[i - 1] == '\r' && request[i] == '\n') {
				return i + 1;
			}
		}
		return -1;
	}

	private static boolean isOversized(byte[] request) {
		String text = new String(request, StandardCharsets.ISO_8859_1);
		int line = text.indexOf('\n');
		int head = text.indexOf("\r\n\r\n");
		return (line < 0 || line > 4096) || (head < 0 || head > 16 * 1024);
	}

	/** Reads what is there; false at the end of the stream. */
	private static boolean readSome(InputStream in, ByteArrayOutputStream received) throws IOException {
		byte[] buffer = new byte[4096];
		int read = in.read(buffer);
		if (read < 0) {
			return false;
		}
		received.write(buffer, 0, read);
		return true;
	}

	/** The first status line that is not 100 Continue, once it is whole. */
	private static String finalStatusLine(ByteArrayOutputStream received) {
		String text = received.toString(StandardCharsets.ISO_8859_1);
		int at = 0;
		while (at < text.length()) {
			int end = text.indexOf('\n', at);
			if (end < 0) {
				return null;
			}
			String line = text.substring(at, end).strip();
			if (line.startsWith("HTTP/") && line.length() >= 12 && line.charAt(8) == ' '
					&& !line.substring(9, 12).equals("100")) {
				return line;
			}
			at = end + 1;
		}
		return null;
	}

	private static String describe(byte[] request, String what) {
		String text = new String(request, StandardCharsets.ISO_8859_1);
		String shown = ((text.length() > 300) ? text.substring(0, 300) + "..." : text).replace("\r\n", "\\r\\n");
		return what + " (" + request.length + " bytes, head " + indexOfHeadEnd(request) + ") for: " + shown;
	}

	/**
	 * Hostile requests, each one whole HTTP/1.1 message (or what poses as one) with
	 * Connection: close.
	 */
	private static final class Generator {

		private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS",
				"TRACE", "PURGE", "get", "CONNECT", "PROPFIND", "X");

		private static final List<String> CONTENT_TYPES = List.of("application/json", "application/merge-patch+json",
				"json", "application/json, text/plain", "application/json; charset=x-klingon",
				"application/json; charset=", "/", "text/", "text/plain", "application/x-www-form-urlencoded",
				"multipart/form-data; boundary=x", "application/json; charset=utf-16", "application/json;;", "*/*",
				"application/*", "a/b/c", "application/json; charset=\"utf-8", "application/problem+json",
				"application/json; q=0.5");

		private static final List<String> ETAGS = List.of("\"1\"", "*", "W/\"1\"", "1", "\"1", "\"1\",", ",,,", "**",
				"\"1\" junk", "W/", "\"\u00ff\"", "\"a\"b\"", "W/\"2\", \"3\"");

		private final Random random;

		private final String attacker;

		private final String victim;

		private final List<Long> victimIds;

		private final long attackerTask;

		private final String attackerToken;

		Generator(Random random, String attacker, String victim, List<Long> victimIds, long attackerTask) {
			this.random = random;
			this.attacker = attacker;
			this.victim = victim;
			this.victimIds = victimIds;
			this.attackerTask = attackerTask;
			this.attackerToken = TestIdentityProvider.get().hs256(attacker);
		}

		byte[] next() {
			if (this.random.nextInt(10) == 0) {
				return framing();
			}
			String method = pick(METHODS);
			StringBuilder head = new StringBuilder();
			head.append(method).append(' ').append(path()).append(query()).append(" HTTP/1.1\r\n");
			head.append("Host: localhost\r\nConnection: close\r\n");
			if (this.random.nextInt(4) != 0) {
				head.append("Authorization: ").append(authorization()).append("\r\n");
			}
			int extra = this.random.nextInt(4);
			for (int i = 0; i < extra; i++) {
				head.append(header()).append("\r\n");
			}
			byte[] body = (this.random.nextInt(3) != 0) ? body() : new byte[0];
			if (body.length > 0 || this.random.nextBoolean()) {
				if (this.random.nextInt(6) != 0) {
					head.append("Content-Type: ").append(pick(CONTENT_TYPES)).append("\r\n");
				}
				head.append("Content-Length: ").append(body.length).append("\r\n");
			}
			head.append("\r\n");
			return concat(head.toString().getBytes(StandardCharsets.ISO_8859_1), body);
		}

		private String path() {
			long victimId = this.victimIds.get(this.random.nextInt(this.victimIds.size()));
			return switch (this.random.nextInt(20)) {
				case 0 -> "/api/tasks/" + victimId;
				case 1 -> "/api/" + this.victim + "/tasks/" + victimId;
				case 2 -> "/api/" + this.victim + "/tasks";
				case 3 -> "/api/tasks/" + this.attackerTask + "/complete";
				case 4 -> "/api/tasks/complete";
				case 5 -> "/api/auth/sign-in";
				case 6 -> "/api/auth/sign-up";
				case 7 -> "/api/me";
				case 8 -> pick(List.of("/readyz", "/livez", "/actuator/health", "/actuator/prometheus",
						"/.well-known/jwks.json", "/v3/api-docs", "/docs", "/actuator/env", "/"));
				case 9 -> pick(List.of("/%00", "/api/tasks/%zz", "/api/..%2f..%2fetc", "//api//tasks",
						"/api/tasks/1;x=y", "/api/tasks/%2e%2e", "/api/tasks/\u00e9", "/api/tasks/" + "9".repeat(40),
						"/api/tasks/-1", "/api/tasks/0x10", "/api/%2Ftasks", "/api/tasks/1/../2", "/api/./tasks",
						"/api/tasks/%20", "/api/tasks/1%00", "*", "http://evil.example/api/tasks", "/api/tasks?"));
				case 10 -> "/" + randomText(this.random.nextInt(1, 200), "abc/%.;~_-!$&'()*+,=:@");
				case 11 -> "/api/tasks/" + "a".repeat(this.random.nextInt(100, 6000));
				default -> (this.random.nextBoolean() ? "/api/tasks" : "/api/" + this.attacker + "/tasks")
						+ (this.random.nextBoolean() ? "/" + this.attackerTask : "");
			};
		}

		private String query() {
			if (this.random.nextInt(3) != 0) {
				return "";
			}
			List<String> names = List.of("status", "sort", "limit", "cursor", "offset", "priority", "tag", "due_before",
					"due_after", "overdue", "q", "updated_since", "x");
			List<String> values = List.of("", "all", "completed", "-title", "--x", "0", "-1", "99999999999999999999",
					"200", "%zz", "%00", "a%20b", "*", "2026-12-01", "2026-13-45T99:00:00Z", "true", "yes",
					"e%20".repeat(60), "\u00e9", "%C3%A9", "eyJhbGciOiJub25lIn0", "abc.def.ghi",
					"'; DROP TABLE tasks;--", "%27%20OR%201%3D1", "[]", "{}", "a".repeat(300));
			StringBuilder query = new StringBuilder("?");
			int count = this.random.nextInt(1, 6);
			for (int i = 0; i < count; i++) {
				query.append((i > 0) ? "&" : "")
					.append(pick(names))
					.append(this.random.nextInt(8) == 0 ? "" : "=")
					.append(pick(values));
			}
			return query.toString();
		}

		private String authorization() {
			return switch (this.random.nextInt(12)) {
				case 0 -> "Bearer " + randomText(this.random.nextInt(0, 100), "abcXYZ019-_.");
				case 1 -> "Basic " + Base64.getEncoder().encodeToString("user:pass".getBytes(StandardCharsets.UTF_8));
				case 2 -> "Bearer";
				case 3 -> "Bearer " + token(Map.of("sub", 123));
				case 4 -> "Bearer " + token(Map.of("sub", this.victim, "exp", "tomorrow"));
				case 5 -> "Bearer " + token(Map.of("sub", List.of(this.victim)));
				case 6 -> "Bearer eyJhbGciOiJub25lIn0."
						+ Base64.getUrlEncoder()
							.withoutPadding()
							.encodeToString(("{\"sub\":\"" + this.victim + "\"}").getBytes(StandardCharsets.UTF_8))
						+ ".";
				case 7 -> "Bearer " + this.attackerToken + "x";
				case 8 -> "bearer " + this.attackerToken;
				case 9 -> "Bearer " + "A".repeat(this.random.nextInt(8000, 9000));
				default -> "Bearer " + this.attackerToken;
			};
		}

		/** Signed with the real secret, so that only the claims are wrong. */
		private String token(Map<String, Object> claims) {
			JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder()
				.expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(30))));
			claims.forEach(builder::claim);
			return TestIdentityProvider.sign(
					TestIdentityProvider.hs256Signer(TestIdentityProvider.SECRET.getBytes(StandardCharsets.UTF_8)),
					JWSAlgorithm.HS256, null, builder.build());
		}

		private String header() {
			return switch (this.random.nextInt(16)) {
				case 0 -> "If-Match: " + etagList();
				case 1 -> "If-None-Match: " + etagList();
				case 2 ->
					"Idempotency-Key: " + pick(List.of("", "a b", "k", "x".repeat(300), "\u00e9t\u00e9", "key-1"));
				case 3 -> "X-Forwarded-For: " + pick(List.of("1.2.3.4", "garbage", "::1, 10.0.0.1", ",,,", "[::1]:80",
						"2001:db8::1", "1.2.3.4".repeat(500)));
				case 4 -> "Accept: "
						+ pick(List.of("*/*", "garbage", "application/xml", "text/", ";;;", "application/json;q=x"));
				case 5 -> "Forwarded: for=" + pick(List.of("1.2.3.4", "\"[::1]\"", "unknown", "_hidden", ";;"));
				case 6 ->
					"Origin: " + pick(List.of("https://app.example.com", "https://evil.example", "null", "garbage"));
				case 7 -> "Access-Control-Request-Method: " + pick(List.of("PUT", "DELETE", "garbage", ""));
				case 8 -> "X-Request-Id: " + randomText(this.random.nextInt(0, 100), "ab:.-\"' <>{}");
				case 9 -> "traceparent: " + pick(List.of("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
						"garbage", "ff-" + "0".repeat(32) + "-" + "0".repeat(16) + "-00", ""));
				case 10 -> "Expect: " + pick(List.of("100-continue", "garbage"));
				case 11 -> "Range: bytes=" + pick(List.of("0-1", "garbage", "-0", "9999999999999999999-"));
				case 12 -> "Cookie: better-auth.session_data=" + randomText(50, "abc.=");
				case 13 -> "Content-Encoding: " + pick(List.of("gzip", "br", "garbage"));
				case 14 -> "X-Garbage-" + this.random.nextInt(1000) + ": "
						+ randomText(this.random.nextInt(0, 300), "ab \t;,=\"");
				default -> "Accept-Encoding: " + pick(List.of("gzip", "*", "garbage;q=x"));
			};
		}

		private String etagList() {
			if (this.random.nextInt(5) == 0) {
				return "\"1\"" + ",".repeat(this.random.nextInt(1, 3000));
			}
			if (this.random.nextInt(5) == 0) {
				return String.join(",", java.util.Collections.nCopies(this.random.nextInt(50, 1200), "\"1\""));
			}
			return pick(ETAGS);
		}

		private byte[] body() {
			String text = switch (this.random.nextInt(16)) {
				case 0 -> "{\"title\": \"" + randomText(this.random.nextInt(0, 300), "ab \u00e9\u4e2d\\\"") + "\"}";
				case 1 -> "[".repeat(this.random.nextInt(100, 5000));
				case 2 -> "{\"a\":".repeat(this.random.nextInt(100, 3000));
				case 3 ->
					"{\"title\": \"x\", \"priority\": " + pick(List.of("1", "null", "\"urgent\"", "[]", "1e999")) + "}";
				case 4 -> "{\"title\": \"x\", \"due_date\": "
						+ pick(List.of("\"2026-12-01\"", "\"garbage\"", "12", "\"99999-01-01\"", "\"2026-02-30\""))
						+ "}";
				case 5 -> "{\"title\": \"x\", \"tags\": "
						+ pick(List.of("[\"a\"]", "\"a\"", "[1]", "[" + "\"t\",".repeat(40) + "\"t\"]", "[null]"))
						+ "}";
				case 6 -> "{\"title\": \"\\u0000\"}";
				case 7 -> "null";
				case 8 -> "";
				case 9 -> "{\"ids\": "
						+ pick(List.of("[1, 2]", "[\"x\"]", "[" + "1,".repeat(300) + "1]", "[-1]",
								"[9223372036854775808]", "{}"))
						+ ", \"completed\": " + pick(List.of("true", "\"yes\"", "null")) + "}";
				case 10 ->
					"{\"email\": \"" + pick(List.of("a@b.c", "x", "\u0130@example.com", "")) + "\", \"password\": \""
							+ randomText(this.random.nextInt(0, 140), "ab1") + "\", \"name\": \"N\"}";
				case 11 -> "{\"title\": \"x\", \"title\": \"y\", \"user_id\": \"" + this.victim + "\", \"id\": 1}";
				case 12 -> "{\"title\": 1" + "0".repeat(this.random.nextInt(10, 5000)) + "}";
				case 13 -> "\ufeff{\"title\": \"bom\"}";
				case 14 -> "{\"title\": \"" + "x".repeat(this.random.nextInt(60_000, 70_000)) + "\"}";
				default -> "{\"title\": \"Fine " + this.random.nextInt(1000) + "\", \"completed\": "
						+ this.random.nextBoolean() + "}";
			};
			byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
			if (this.random.nextInt(12) == 0 && bytes.length > 2) {
				// Not UTF-8 at all
				bytes[this.random.nextInt(bytes.length)] = (byte) 0xC3;
				bytes[bytes.length - 1] = (byte) 0xFF;
			}
			return bytes;
		}

		/**
		 * Requests whose very framing is wrong: the server must still answer, with a 4xx.
		 */
		private byte[] framing() {
			String bearer = "Authorization: Bearer " + this.attackerToken + "\r\n";
			String text = switch (this.random.nextInt(16)) {
				case 0 -> "GARBAGE\r\n\r\n";
				case 1 -> "GET /api/tasks HTTP/9.9\r\nHost: x\r\n\r\n";
				case 2 -> "GET /api/tasks HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n";
				case 3 -> "GET /api/tasks HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n continued\r\n" + bearer + "\r\n";
				case 4 -> "POST /api/tasks HTTP/1.1\r\nHost: x\r\n" + bearer
						+ "Content-Type: application/json\r\nContent-Length: 17\r\nContent-Length: 18\r\n\r\n{\"title\": \"two\"}";
				case 5 -> "POST /api/tasks HTTP/1.1\r\nHost: x\r\n" + bearer
						+ "Content-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
				case 6 -> "POST /api/tasks HTTP/1.1\r\nHost: x\r\n" + bearer
						+ "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nxx\r\n0\r\n\r\n";
				case 7 -> "GET /api/tasks HTTP/1.1\nHost: x\n" + bearer.replace("\r\n", "\n") + "Connection: close\n\n";
				case 8 -> "GET /api/tasks HTTP/1.1\r\nHost: x\r\nX-Nul: a\u0000b\r\n" + bearer + "\r\n";
				case 9 -> "GET /api/tasks HTTP/1.1\r\nHost: x\r\nX-Long: " + "a".repeat(20_000) + "\r\n\r\n";
				case 10 -> "GET /api/tasks HTTP/1.1\r\nHost: x\r\n" + "X-Many: a\r\n".repeat(2_000) + "\r\n";
				case 11 -> "POST /api/tasks HTTP/1.1\r\nHost: x\r\n" + bearer
						+ "Content-Type: application/json\r\nContent-Length: -1\r\n\r\n";
				case 12 -> "POST /api/tasks HTTP/1.1\r\nHost: x\r\n" + bearer
						+ "Content-Type: application/json\r\nContent-Length: 99999999999999999999\r\n\r\n";
				case 13 -> "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
				case 14 -> "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n";
				default -> "GET /api/tasks HTTP/1.1\r\nHost: x\r\nBad Header : x\r\n" + bearer + "\r\n";
			};
			return text.getBytes(StandardCharsets.ISO_8859_1);
		}

		private String randomText(int length, String alphabet) {
			StringBuilder text = new StringBuilder(length);
			for (int i = 0; i < length; i++) {
				text.append(alphabet.charAt(this.random.nextInt(alphabet.length())));
			}
			return text.toString();
		}

		private <T> T pick(List<T> values) {
			return values.get(this.random.nextInt(values.size()));
		}

		private static byte[] concat(byte[] head, byte[] body) {
			byte[] all = new byte[head.length + body.length];
			System.arraycopy(head, 0, all, 0, head.length);
			System.arraycopy(body, 0, all, head.length, body.length);
			return all;
		}

	}

}
