package app.todo.database;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A real PostgreSQL started from the binaries on the class path, for the run command and
 * the tests when no database is configured.
 */
final class EmbeddedPostgresServer implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(EmbeddedPostgresServer.class);

	private final EmbeddedPostgres postgres;

	private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
		this.postgres = postgres;
	}

	/**
	 * Starts PostgreSQL on a free port.
	 * @param directory the data folder, kept across restarts; {@code null} for a
	 * throw-away one
	 */
	static EmbeddedPostgresServer start(@Nullable Path directory) throws IOException {
		// No shutdown hook of its own: on SIGTERM it would stop PostgreSQL under the
		// requests that
		// the graceful shutdown lets finish; the context closes it after the connection
		// pool
		EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
			.setPGStartupWait(Duration.ofSeconds(60))
			.setRegisterShutdownHook(false);
		if (directory != null) {
			Path data = directory.toAbsolutePath();
			Files.createDirectories(data);
			stopOrphanedServer(data);
			// The builder's default trades durability for speed, which only suits
			// throw-away data
			builder.setDataDirectory(data).setCleanDataDirectory(false).setServerConfig("synchronous_commit", "on");
		}
		EmbeddedPostgres postgres = builder.start();
		logger.info("Embedded PostgreSQL listening on 127.0.0.1:" + postgres.getPort() + ", data in "
				+ ((directory != null) ? directory.toAbsolutePath() : "a temporary folder"));
		return new EmbeddedPostgresServer(postgres);
	}

	/**
	 * A JVM killed with SIGKILL leaves its postmaster running with the data folder
	 * locked; stop it so that this start can own the folder.
	 */
	private static void stopOrphanedServer(Path data) throws IOException {
		Path pidFile = data.resolve("postmaster.pid");
		if (!Files.isRegularFile(pidFile)) {
			return;
		}
		List<String> lines = Files.readAllLines(pidFile);
		if (lines.isEmpty() || !lines.get(0).strip().matches("\\d+")) {
			return;
		}
		ProcessHandle.of(Long.parseLong(lines.get(0).strip()))
			.filter((process) -> process.info().command().map((command) -> command.contains("postgres")).orElse(false))
			.ifPresent((postmaster) -> {
				logger.warn(
						"Stopping the PostgreSQL server (pid " + postmaster.pid() + ") left running by a previous run");
				postmaster.destroy();
				try {
					postmaster.onExit().get(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				catch (ExecutionException | TimeoutException ex) {
					logger.warn("The previous PostgreSQL server did not stop within 30 s");
				}
			});
	}

	PostgresConnectionDetails connectionDetails() {
		return new PostgresConnectionDetails("localhost", this.postgres.getPort(), "postgres", "postgres", null,
				Map.of());
	}

	@Override
	public void close() throws IOException {
		this.postgres.close();
	}

}
