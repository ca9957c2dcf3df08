package app.todo.database;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.R2dbcException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code DATABASE_STATEMENT_TIMEOUT} behind a transaction-mode pooler: a real PostgreSQL,
 * and in front of it a stand-in for PgBouncer that refuses {@code statement_timeout} as
 * PgBouncer does and relays every other connection.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StatementTimeoutFallbackTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static EmbeddedPostgres postgres;

	private static RefusingPooler pooler;

	@BeforeAll
	static void start() throws IOException {
		postgres = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(60)).start();
		pooler = new RefusingPooler(postgres.getPort());
	}

	@AfterAll
	static void stop() throws IOException {
		if (pooler != null) {
			pooler.close();
		}
		if (postgres != null) {
			postgres.close();
		}
	}

	@Test
	void createWhenThePoolerRefusesTheTimeoutThenConnectsWithoutItAndAsksOnlyOnce() {
		int refusalsBefore = pooler.refusals.get();
		ConnectionFactory connections = fallback(pooler.port, "postgres");
		assertThat(statementTimeout(connections)).isEqualTo("0");
		assertThat(statementTimeout(connections)).isEqualTo("0");
		assertThat(pooler.refusals.get() - refusalsBefore).isEqualTo(1);
		assertThat(pooler.relayed.get()).isGreaterThanOrEqualTo(2);
	}

	@Test
	void createWhenTheServerTakesTheTimeoutThenEveryConnectionHasIt() {
		ConnectionFactory connections = fallback(postgres.getPort(), "postgres");
		assertThat(statementTimeout(connections)).isEqualTo("10s");
		assertThat(statementTimeout(connections)).isEqualTo("10s");
	}

	@Test
	void createWhenAnotherFailureThenItIsNotHidden() {
		// Without the timeout, the connection would succeed: the failure must come
		// through
		ConnectionFactory connections = new StatementTimeoutFallback(
				connections(postgres.getPort(), "no_such_database", TIMEOUT), TIMEOUT,
				connections(postgres.getPort(), "postgres", null));
		assertThatExceptionOfType(R2dbcException.class)
			.isThrownBy(() -> Mono.from(connections.create()).block(Duration.ofSeconds(30)))
			.satisfies((ex) -> assertThat(ex.getSqlState()).isEqualTo("3D000"));
	}

	private static ConnectionFactory fallback(int port, String database) {
		return new StatementTimeoutFallback(connections(port, database, TIMEOUT), TIMEOUT,
				connections(port, database, null));
	}

	private static ConnectionFactory connections(int port, String database, @Nullable Duration timeout) {
		ConnectionFactoryOptions.Builder options = ConnectionFactoryOptions.builder()
			.option(ConnectionFactoryOptions.DRIVER, "postgresql")
			.option(ConnectionFactoryOptions.HOST, "localhost")
			.option(ConnectionFactoryOptions.PORT, port)
			.option(ConnectionFactoryOptions.DATABASE, database)
			.option(ConnectionFactoryOptions.USER, "postgres");
		if (timeout != null) {
			options.option(PostgresqlConnectionFactoryProvider.STATEMENT_TIMEOUT, timeout);
		}
		return ConnectionFactories.get(options.build());
	}

	private static String statementTimeout(ConnectionFactory connections) {
		return Flux
			.usingWhen(connections.create(),
					(connection) -> Flux.from(connection.createStatement("SHOW statement_timeout").execute())
						.flatMap((result) -> result.map((row, metadata) -> row.get(0, String.class))),
					Connection::close)
			.blockFirst(Duration.ofSeconds(30));
	}

	/**
	 * Answers a startup message that sets {@code statement_timeout} with PgBouncer's
	 * error, and relays every other connection to PostgreSQL.
	 */
	private static final class RefusingPooler implements AutoCloseable {

		final AtomicInteger refusals = new AtomicInteger();

		final AtomicInteger relayed = new AtomicInteger();

		final int port;

		private final int serverPort;

		private final ServerSocket socket;

		RefusingPooler(int serverPort) throws IOException {
			this.serverPort = serverPort;
			this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
			this.port = this.socket.getLocalPort();
			daemon(this::accept);
		}

		private void accept() {
			while (!this.socket.isClosed()) {
				try {
					Socket client = this.socket.accept();
					daemon(() -> serve(client));
				}
				catch (IOException ex) {
					return;
				}
			}
		}

		private void serve(Socket client) {
			try (client) {
				DataInputStream in = new DataInputStream(client.getInputStream());
				byte[] startup = new byte[in.readInt() - 4];
				in.readFully(startup);
				if (new String(startup, StandardCharsets.ISO_8859_1).contains("statement_timeout\0")) {
					this.refusals.incrementAndGet();
					client.getOutputStream().write(error("unsupported startup parameter: statement_timeout"));
					return;
				}
				this.relayed.incrementAndGet();
				try (Socket server = new Socket(InetAddress.getLoopbackAddress(), this.serverPort)) {
					OutputStream toServer = server.getOutputStream();
					InputStream fromServer = server.getInputStream();
					OutputStream toClient = client.getOutputStream();
					toServer.write(ByteBuffer.allocate(4).putInt(startup.length + 4).array());
					toServer.write(startup);
					Thread back = daemon(() -> copy(fromServer, toClient));
					copy(in, toServer);
					server.shutdownOutput();
					back.join();
				}
			}
			catch (IOException | InterruptedException ex) {
				// the client or the server went away
			}
		}

		/** An ErrorResponse message as PgBouncer sends it. */
		private static byte[] error(String message) {
			byte[] fields = ("SFATAL\0VFATAL\0C08P01\0M" + message + "\0\0").getBytes(StandardCharsets.US_ASCII);
			return ByteBuffer.allocate(1 + 4 + fields.length)
				.put((byte) 'E')
				.putInt(4 + fields.length)
				.put(fields)
				.array();
		}

		private static void copy(InputStream from, OutputStream to) {
			try {
				from.transferTo(to);
			}
			catch (IOException ex) {
				// closed
			}
		}

		private static Thread daemon(Runnable task) {
			Thread thread = new Thread(task, "refusing-pooler");
			thread.setDaemon(true);
			thread.start();
			return thread;
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
		}

	}

}
