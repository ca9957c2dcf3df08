package app.todo.database;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import app.todo.TestCertificates;
import app.todo.TestIdentityProvider;
import app.todo.TodoApplication;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code DATABASE_URL}'s TLS settings reach both drivers (R2DBC for requests, JDBC for
 * the migrations) against a real PostgreSQL that accepts TLS connections only
 * ({@code hostssl}), with a certificate for {@code localhost} from a CA the test makes.
 */
@ExtendWith(OutputCaptureExtension.class)
class DatabaseTlsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final String SCRAM_PASSWORD = "scr%m-Pa55";

	private static Path certificates;

	private static EmbeddedPostgres postgres;

	@BeforeAll
	static void startPostgresRequiringTls() throws IOException {
		certificates = Files.createTempDirectory("todo-postgres-tls");
		TestCertificates.create("localhost").writeTo(certificates);
		// Another authority, with a certificate for the same name: not the one the
		// server's is from
		TestCertificates.create("localhost").writeTo(certificates.resolve("other"));
		Path hba = certificates.resolve("pg_hba.conf");
		Files.writeString(hba, """
				local all all trust
				hostssl all scram 127.0.0.1/32 scram-sha-256
				hostssl all scram ::1/128 scram-sha-256
				hostssl all all 127.0.0.1/32 trust
				hostssl all all ::1/128 trust
				""");
		postgres = EmbeddedPostgres.builder()
			.setPGStartupWait(Duration.ofSeconds(60))
			.setServerConfig("ssl", "on")
			.setServerConfig("ssl_cert_file", certificates.resolve("server.crt").toString())
			.setServerConfig("ssl_key_file", certificates.resolve("server.key").toString())
			.setServerConfig("hba_file", hba.toString())
			.start();
		try (Connection connection = postgres.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("create role scram login password '" + SCRAM_PASSWORD + "'");
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@AfterAll
	static void stopPostgres() throws IOException {
		if (postgres != null) {
			postgres.close();
		}
	}

	@Test
	void connectWhenSslModeRequireThenEncrypted() throws SQLException {
		String url = url("localhost", "sslmode=require");
		StepVerifier.create(r2dbc(url, "select ssl from pg_stat_ssl where pid = pg_backend_pid()"))
			.expectNext("true")
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(jdbc(url, "select ssl from pg_stat_ssl where pid = pg_backend_pid()")).isEqualTo("t");
	}

	@Test
	void connectWhenVerifyFullWithTheServersAuthorityThenEncrypted() throws SQLException {
		String url = url("localhost", "sslmode=verify-full&sslrootcert=" + certificates.resolve("ca.crt"));
		StepVerifier.create(r2dbc(url, "select ssl from pg_stat_ssl where pid = pg_backend_pid()"))
			.expectNext("true")
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(jdbc(url, "select ssl from pg_stat_ssl where pid = pg_backend_pid()")).isEqualTo("t");
	}

	@Test
	void connectWhenVerifyFullWithAnotherAuthorityThenRefused() {
		String url = url("localhost", "sslmode=verify-full&sslrootcert=" + certificates.resolve("other/ca.crt"));
		StepVerifier.create(r2dbc(url, "select 1")).expectError().verify(TIMEOUT);
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> jdbc(url, "select 1"))
			.withMessageContaining("SSL error");
	}

	@Test
	void connectWhenVerifyFullAndTheCertificateNamesAnotherHostThenRefused() {
		// The certificate is for localhost, not for 127.0.0.1
		String url = url("127.0.0.1", "sslmode=verify-full&sslrootcert=" + certificates.resolve("ca.crt"));
		StepVerifier.create(r2dbc(url, "select 1")).expectError().verify(TIMEOUT);
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> jdbc(url, "select 1"))
			.withMessageContaining("127.0.0.1");
	}

	@Test
	void connectWhenSslModeDisableAndTheServerRequiresTlsThenRefused() {
		String url = url("127.0.0.1", "sslmode=disable");
		StepVerifier.create(r2dbc(url, "select 1"))
			.expectErrorSatisfies((ex) -> assertThat(ex).hasMessageContaining("no encryption"))
			.verify(TIMEOUT);
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> jdbc(url, "select 1"))
			.withMessageContaining("no encryption");
	}

	@Test
	void connectWhenOptionsThenTheServerReceivesThem() throws SQLException {
		// As libpq passes options=..., and as Neon reads endpoint=... from it
		String url = url("localhost", "sslmode=require&options=-c%20statement_timeout%3D5000");
		StepVerifier.create(r2dbc(url, "show statement_timeout")).expectNext("5s").expectComplete().verify(TIMEOUT);
		assertThat(jdbc(url, "show statement_timeout")).isEqualTo("5s");
	}

	@Test
	void connectWhenChannelBindingRequiredWithScramThenBoundToTheTlsSession() throws SQLException {
		// Neon's strings carry channel_binding=require; the password is percent-encoded
		// in the URL
		String url = "postgresql://scram:scr%25m-Pa55@localhost:" + postgres.getPort()
				+ "/postgres?sslmode=require&channel_binding=require";
		StepVerifier.create(r2dbc(url, "select ssl from pg_stat_ssl where pid = pg_backend_pid()"))
			.expectNext("true")
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(jdbc(url, "select ssl from pg_stat_ssl where pid = pg_backend_pid()")).isEqualTo("t");
	}

	@Test
	void startWhenTheServersCertificateIsNotFromTheGivenAuthorityThenOneClearReport(CapturedOutput output) {
		assertStartFails(url("localhost", "sslmode=verify-full&sslrootcert=" + certificates.resolve("other/ca.crt")));
		assertThat(output).contains("APPLICATION FAILED TO START", "The database could not be reached", "SSL error")
			.doesNotContain("\tat ");
	}

	@Test
	void startWhenSslModeDisableAndTheServerRequiresTlsThenOneClearReport(CapturedOutput output) {
		assertStartFails(url("127.0.0.1", "sslmode=disable"));
		assertThat(output).contains("APPLICATION FAILED TO START", "The database could not be reached", "no encryption")
			.doesNotContain("\tat ");
	}

	private static String url(String host, String query) {
		return "postgresql://postgres@" + host + ":" + postgres.getPort() + "/postgres?" + query;
	}

	private static Mono<String> r2dbc(String url, String sql) {
		ConnectionFactory factory = ConnectionFactories
			.get(PostgresConnectionDetails.fromUrl(url).getConnectionFactoryOptions());
		return Mono.usingWhen(factory.create(),
				(connection) -> Mono.from(connection.createStatement(sql).execute())
					.flatMap((result) -> Mono.from(result.map((row, metadata) -> String.valueOf(row.get(0))))),
				io.r2dbc.spi.Connection::close);
	}

	private static String jdbc(String url, String sql) throws SQLException {
		PostgresConnectionDetails details = PostgresConnectionDetails.fromUrl(url);
		try (Connection connection = DriverManager.getConnection(details.getJdbcUrl(), details.getUsername(),
				details.getPassword());
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getString(1);
		}
	}

	private static void assertStartFails(String databaseUrl) {
		assertThatException()
			.isThrownBy(() -> SpringApplication.run(TodoApplication.class, "--todo.database.url=" + databaseUrl,
					"--todo.auth.secret=" + TestIdentityProvider.SECRET, "--server.port=0",
					"--spring.main.register-shutdown-hook=false", "--management.metrics.use-global-registry=false"));
	}

}
