package app.todo.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;

import app.todo.TestIdentityProvider;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The HTTP server as it runs on a cloud platform, with limits small enough to reach in a
 * test: the API starts as a pod of Kubernetes does ({@code KUBERNETES_SERVICE_HOST} and
 * {@code _PORT} in its environment, which Spring Boot takes as the sign of the platform),
 * no trusted proxy, 3 requests at once per address, 1 s to wait for a request or a body,
 * 24 connections, and 1 s for an SQL statement.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "todo.database.url=", "todo.database.embedded-directory=",
				"todo.auth.secret=" + TestIdentityProvider.SECRET, "RATE_LIMIT_ADDRESS_RATE=1",
				"RATE_LIMIT_ADDRESS_BURST=3", "HTTP_IDLE_TIMEOUT=1s", "HTTP_READ_TIMEOUT=1s", "HTTP_REQUEST_TIMEOUT=2s",
				"HTTP_MAX_CONNECTIONS=24", "DATABASE_STATEMENT_TIMEOUT=1s" })
@ContextConfiguration(initializers = HttpServerTests.OnKubernetes.class)
class HttpServerTests {

	private static final int FLOOD = 30;

	@LocalServerPort
	private int port;

	@Autowired
	private Environment environment;

	@Autowired
	private DatabaseClient db;

	@Test
	void startsAsOnKubernetes() {
		assertThat(CloudPlatform.getActive(this.environment)).isEqualTo(CloudPlatform.KUBERNETES);
	}

	/**
	 * Once, on a detected platform, Netty believed these headers from anyone: 400
	 * requests with a fresh made-up address each were never limited.
	 */
	@Test
	void getWhenClientWritesForwardedHeadersOnKubernetesThenLimitedByItsOwnAddress() {
		WebTestClient client = newClient();
		List<HttpStatus> statuses = Flux.range(0, FLOOD)
			.parallel(FLOOD)
			.runOn(Schedulers.boundedElastic())
			.map((i) -> (HttpStatus) client.get()
				.uri("/api/tasks")
				.header("X-Forwarded-For", "198.51.100." + (i + 1))
				.header("Forwarded", "for=198.51.100." + (i + 1) + ";proto=https;host=evil.example")
				.header("X-Forwarded-Host", "evil.example")
				.header("X-Forwarded-Proto", "https")
				.exchange()
				.returnResult(String.class)
				.getStatus())
			.sequential()
			.collectList()
			.block(Duration.ofSeconds(60));
		assertThat(statuses).containsOnly(HttpStatus.UNAUTHORIZED, HttpStatus.TOO_MANY_REQUESTS);
		assertThat(statuses).filteredOn(HttpStatus.TOO_MANY_REQUESTS::equals)
			.hasSizeGreaterThanOrEqualTo(FLOOD - 3 - 5);
	}

	/**
	 * A client that sends its headers a byte at a time never gets to hold the connection
	 * for good.
	 */
	@Test
	void connectionWhenRequestHeadersTrickleInThenClosed() throws IOException {
		try (Socket socket = connect()) {
			OutputStream out = socket.getOutputStream();
			out.write("GET /livez HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
			long start = System.nanoTime();
			boolean closed = false;
			while (!closed && System.nanoTime() - start < Duration.ofSeconds(8).toNanos()) {
				try {
					out.write('a');
					out.flush();
					closed = isClosed(socket, Duration.ofMillis(400));
				}
				catch (IOException ex) {
					closed = true;
				}
			}
			assertThat(closed).as("closed within 8 s").isTrue();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		}
	}

	@Test
	void connectionWhenIdleThenClosedAfterTheIdleTimeout() throws IOException {
		try (Socket socket = connect()) {
			long start = System.nanoTime();
			assertThat(isClosed(socket, Duration.ofSeconds(5))).isTrue();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(500),
					Duration.ofSeconds(4));
		}
	}

	@Test
	void postWhenBodyStopsHalfWayThenClosed() throws IOException {
		try (Socket socket = connect()) {
			socket.getOutputStream()
				.write(("POST /api/auth/sign-in HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
						+ "Content-Length: 100\r\n\r\n{\"email\":")
					.getBytes(StandardCharsets.US_ASCII));
			long start = System.nanoTime();
			String answer = readUntilClosed(socket, Duration.ofSeconds(6));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
			assertThat(answer).doesNotContain("HTTP/1.1 5");
		}
	}

	/**
	 * Past the cap, a new connection is closed at once, and the server serves again when
	 * they go.
	 */
	@Test
	void connectWhenMoreConnectionsThanTheCapThenTheExtraOnesAreClosed() throws IOException {
		List<Socket> sockets = new ArrayList<>();
		try {
			for (int i = 0; i < 40; i++) {
				sockets.add(connect());
			}
			int closed = 0;
			for (Socket socket : sockets) {
				if (isClosed(socket, Duration.ofMillis(200))) {
					closed++;
				}
			}
			assertThat(closed).isBetween(40 - 24, 40);
		}
		finally {
			for (Socket socket : sockets) {
				socket.close();
			}
		}
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		HttpStatus status = null;
		while (status != HttpStatus.OK && System.nanoTime() < deadline) {
			status = (HttpStatus) newClient().get().uri("/livez").exchange().returnResult(String.class).getStatus();
		}
		assertThat(status).isEqualTo(HttpStatus.OK);
	}

	/**
	 * No statement of a request runs longer than DATABASE_STATEMENT_TIMEOUT: PostgreSQL
	 * cancels it.
	 */
	@Test
	void statementWhenItRunsPastTheTimeoutThenCancelledAsATransientFailure() {
		assertThat(this.db.sql("SHOW statement_timeout")
			.map((row) -> row.get(0, String.class))
			.one()
			.block(Duration.ofSeconds(10))).isEqualTo("1s");
		long start = System.nanoTime();
		assertThatExceptionOfType(DataAccessResourceFailureException.class)
			.isThrownBy(() -> this.db.sql("SELECT pg_sleep(5)").fetch().rowsUpdated().block(Duration.ofSeconds(10)));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
	}

	private Socket connect() throws IOException {
		Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.port);
		socket.setTcpNoDelay(true);
		return socket;
	}

	/**
	 * Whether the server closes the connection within the time, reading whatever it sends
	 * first.
	 */
	private static boolean isClosed(Socket socket, Duration within) throws IOException {
		socket.setSoTimeout((int) within.toMillis());
		InputStream in = socket.getInputStream();
		try {
			while (in.read() >= 0) {
				// an answer before the close, such as a 408
			}
			return true;
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
		catch (IOException ex) {
			// reset by the server
			return true;
		}
	}

	private static String readUntilClosed(Socket socket, Duration within) throws IOException {
		socket.setSoTimeout((int) within.toMillis());
		byte[] buffer = new byte[8192];
		StringBuilder text = new StringBuilder();
		InputStream in = socket.getInputStream();
		try {
			for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
				text.append(new String(buffer, 0, read, StandardCharsets.ISO_8859_1));
			}
		}
		catch (SocketTimeoutException ex) {
			throw new AssertionError("Still open after " + within + "; read: " + text);
		}
		catch (IOException ex) {
			// reset by the server
		}
		return text.toString();
	}

	/** One connection per request: the server closes idle ones after a second. */
	private WebTestClient newClient() {
		return WebTestClient.bindToServer(new ReactorClientHttpConnector(HttpClient.create().keepAlive(false)))
			.baseUrl("http://127.0.0.1:" + this.port)
			.responseTimeout(Duration.ofSeconds(30))
			.build();
	}

	/**
	 * The environment of a Kubernetes pod: Spring Boot's sign of the platform is these
	 * two variables.
	 */
	static final class OnKubernetes implements ApplicationContextInitializer<ConfigurableApplicationContext> {

		@Override
		public void initialize(ConfigurableApplicationContext context) {
			ConfigurableEnvironment environment = context.getEnvironment();
			Map<String, Object> variables = new HashMap<>(System.getenv());
			variables.put("KUBERNETES_SERVICE_HOST", "10.96.0.1");
			variables.put("KUBERNETES_SERVICE_PORT", "443");
			environment.getPropertySources()
				.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
								variables));
		}

	}

}
