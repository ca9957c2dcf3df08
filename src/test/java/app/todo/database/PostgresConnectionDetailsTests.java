package app.todo.database;

import java.time.Duration;
import java.util.Map;

import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import io.r2dbc.postgresql.client.ChannelBindingMode;
import io.r2dbc.postgresql.client.SSLMode;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import app.todo.InvalidConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code DATABASE_URL} as managed PostgreSQL providers hand it out, and the errors for
 * the ones the API cannot use, none of which may echo the password.
 */
class PostgresConnectionDetailsTests {

	/**
	 * The password of every URL below; it must never appear in a message or a string
	 * form.
	 */
	private static final String SECRET = "s3cretPassw0rd";

	@Test
	void fromUrlWhenFullUrlThenParsesEveryPart() {
		PostgresConnectionDetails details = PostgresConnectionDetails
			.fromUrl("postgresql://todo:" + SECRET + "@db.example.com:6543/todos?sslmode=require");
		assertThat(details.host()).isEqualTo("db.example.com");
		assertThat(details.port()).isEqualTo(6543);
		assertThat(details.database()).isEqualTo("todos");
		assertThat(details.username()).isEqualTo("todo");
		assertThat(details.getUsername()).isEqualTo("todo");
		assertThat(details.password()).isEqualTo(SECRET);
		assertThat(details.getPassword()).isEqualTo(SECRET);
		assertThat(details.parameters()).containsExactly(Map.entry("sslmode", "require"));
		ConnectionFactoryOptions options = details.getConnectionFactoryOptions();
		assertThat(options.getValue(ConnectionFactoryOptions.DRIVER)).isEqualTo("postgresql");
		assertThat(options.getValue(ConnectionFactoryOptions.HOST)).isEqualTo("db.example.com");
		assertThat(options.getValue(ConnectionFactoryOptions.PORT)).isEqualTo(6543);
		assertThat(options.getValue(ConnectionFactoryOptions.DATABASE)).isEqualTo("todos");
		assertThat(options.getValue(ConnectionFactoryOptions.USER)).isEqualTo("todo");
		assertThat(String.valueOf(options.getValue(ConnectionFactoryOptions.PASSWORD))).isEqualTo(SECRET);
		assertThat(options.getValue(PostgresqlConnectionFactoryProvider.SSL_MODE)).isEqualTo(SSLMode.REQUIRE);
		assertThat(details.getJdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:6543/todos?sslmode=require");
		assertThat(details.getDriverClassName()).isEqualTo("org.postgresql.Driver");
	}

	@Test
	void fromUrlWhenBriefExampleThenJdbcUrlKeepsHostPortDatabaseAndSslMode() {
		PostgresConnectionDetails details = PostgresConnectionDetails
			.fromUrl("postgresql://user:pass@host:5432/db?sslmode=require");
		assertThat(details)
			.extracting(PostgresConnectionDetails::host, PostgresConnectionDetails::port,
					PostgresConnectionDetails::database, PostgresConnectionDetails::username,
					PostgresConnectionDetails::password)
			.containsExactly("host", 5432, "db", "user", "pass");
		assertThat(details.getConnectionFactoryOptions().getValue(PostgresqlConnectionFactoryProvider.SSL_MODE))
			.isEqualTo(SSLMode.REQUIRE);
		assertThat(details.getJdbcUrl()).isEqualTo("jdbc:postgresql://host:5432/db?sslmode=require");
	}

	@Test
	void fromUrlWhenPostgresSchemeThenAccepted() {
		PostgresConnectionDetails details = PostgresConnectionDetails
			.fromUrl("postgres://todo:" + SECRET + "@localhost:5433/todos");
		assertThat(details.host()).isEqualTo("localhost");
		assertThat(details.port()).isEqualTo(5433);
		assertThat(details.database()).isEqualTo("todos");
		assertThat(details.parameters()).isEmpty();
		assertThat(details.getJdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5433/todos");
	}

	@Test
	void fromUrlWhenNoPortThenDefaultPort() {
		PostgresConnectionDetails details = PostgresConnectionDetails.fromUrl("postgresql://todo@db.internal/todos");
		assertThat(details.port()).isEqualTo(5432);
		assertThat(details.password()).isNull();
		assertThat(details.getConnectionFactoryOptions().getValue(ConnectionFactoryOptions.PORT)).isEqualTo(5432);
		assertThat(details.getConnectionFactoryOptions().hasOption(ConnectionFactoryOptions.PASSWORD)).isFalse();
		assertThat(details.getJdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:5432/todos");
	}

	@Test
	void fromUrlWhenSurroundedByWhitespaceThenStripped() {
		PostgresConnectionDetails details = PostgresConnectionDetails
			.fromUrl("  postgresql://todo@db.internal/todos\n");
		assertThat(details.host()).isEqualTo("db.internal");
		assertThat(details.database()).isEqualTo("todos");
	}

	@Test
	void fromUrlWhenNeonUrlThenParsesPoolerHostAndBothParameters() {
		PostgresConnectionDetails details = PostgresConnectionDetails.fromUrl(
				"postgresql://neondb_owner:npg_AbC123@ep-cool-darkness-a1b2c3d4-pooler.eu-central-1.aws.neon.tech/neondb"
						+ "?sslmode=require&channel_binding=require");
		assertThat(details.host()).isEqualTo("ep-cool-darkness-a1b2c3d4-pooler.eu-central-1.aws.neon.tech");
		assertThat(details.port()).isEqualTo(5432);
		assertThat(details.database()).isEqualTo("neondb");
		assertThat(details.username()).isEqualTo("neondb_owner");
		assertThat(details.password()).isEqualTo("npg_AbC123");
		assertThat(details.parameters()).containsExactly(Map.entry("sslmode", "require"),
				Map.entry("channel_binding", "require"));
		assertThat(details.getConnectionFactoryOptions().getValue(PostgresqlConnectionFactoryProvider.SSL_MODE))
			.isEqualTo(SSLMode.REQUIRE);
		assertThat(details.getJdbcUrl())
			.isEqualTo("jdbc:postgresql://ep-cool-darkness-a1b2c3d4-pooler.eu-central-1.aws.neon.tech"
					+ ":5432/neondb?sslmode=require&channelBinding=require");
		assertThat(details.toString()).doesNotContain("npg_AbC123");
	}

	@Test
	void fromUrlWhenNeonEndpointOptionThenBothDriversSendIt() {
		PostgresConnectionDetails details = PostgresConnectionDetails.fromUrl(
				"postgresql://neondb_owner:npg_AbC123@ep-cool-darkness-a1b2c3d4-pooler.eu-central-1.aws.neon.tech/neondb"
						+ "?sslmode=require&channel_binding=require&options=endpoint%3Dep-cool-darkness-a1b2c3d4");
		assertThat(details.parameters()).containsEntry("options", "endpoint=ep-cool-darkness-a1b2c3d4");
		ConnectionFactoryOptions options = details.getConnectionFactoryOptions();
		assertThat(options.getValue(PostgresqlConnectionFactoryProvider.OPTIONS))
			.isEqualTo(Map.of("options", "endpoint=ep-cool-darkness-a1b2c3d4"));
		assertThat(options.getValue(PostgresqlConnectionFactoryProvider.CHANNEL_BINDING))
			.isEqualTo(ChannelBindingMode.REQUIRE);
		assertThat(details.getJdbcUrl())
			.endsWith("?sslmode=require&channelBinding=require&options=endpoint%3Dep-cool-darkness-a1b2c3d4");
	}

	@Test
	void fromUrlWhenServerSettingsInOptionsThenKeptVerbatim() {
		PostgresConnectionDetails details = PostgresConnectionDetails
			.fromUrl("postgresql://todo@host/db?options=-c%20statement_timeout%3D5000%20-c%20search_path%3Dtodo");
		assertThat(details.getConnectionFactoryOptions().getValue(PostgresqlConnectionFactoryProvider.OPTIONS))
			.isEqualTo(Map.of("options", "-c statement_timeout=5000 -c search_path=todo"));
		assertThat(details.getJdbcUrl()).endsWith("?options=-c+statement_timeout%3D5000+-c+search_path%3Dtodo");
	}

	@ParameterizedTest
	@ValueSource(strings = { "disable", "prefer", "require" })
	void fromUrlWhenChannelBindingThenMappedForR2dbc(String mode) {
		PostgresConnectionDetails details = PostgresConnectionDetails
			.fromUrl("postgresql://todo@host/db?channel_binding=" + mode);
		assertThat(details.getConnectionFactoryOptions().getValue(PostgresqlConnectionFactoryProvider.CHANNEL_BINDING))
			.isEqualTo(ChannelBindingMode.valueOf(mode.toUpperCase(java.util.Locale.ROOT)));
	}

	@Test
	void fromUrlWhenUnknownChannelBindingThenInvalid() {
		assertInvalid("postgresql://todo:" + SECRET + "@host/db?channel_binding=always",
				"unknown channel_binding 'always'");
	}

	@Test
	void fromUrlWhenPasswordIsPercentEncodedThenDecodedKeepingPlus() {
		PostgresConnectionDetails details = PostgresConnectionDetails
			.fromUrl("postgresql://us%40er:p%40ss%3Aw+rd@host/db");
		assertThat(details.username()).isEqualTo("us@er");
		assertThat(details.password()).isEqualTo("p@ss:w+rd");
		assertThat(details.host()).isEqualTo("host");
		assertThat(details.getConnectionFactoryOptions().getValue(ConnectionFactoryOptions.PASSWORD).toString())
			.isEqualTo("p@ss:w+rd");
		assertThat(details.toString()).doesNotContain("p@ss").doesNotContain("p%40ss").doesNotContain("w+rd");
	}

	@Test
	void fromUrlWhenOtherParametersThenMappedForR2dbcAndJdbc() {
		PostgresConnectionDetails details = PostgresConnectionDetails.fromUrl("postgresql://todo:" + SECRET
				+ "@host/db?sslmode=verify-full&sslrootcert=%2Fetc%2Fssl%2Froot.crt&application_name=todo%20api&connect_timeout=10");
		ConnectionFactoryOptions options = details.getConnectionFactoryOptions();
		assertThat(options.getValue(PostgresqlConnectionFactoryProvider.SSL_MODE)).isEqualTo(SSLMode.VERIFY_FULL);
		assertThat(options.getValue(PostgresqlConnectionFactoryProvider.SSL_ROOT_CERT)).isEqualTo("/etc/ssl/root.crt");
		assertThat(options.getValue(PostgresqlConnectionFactoryProvider.APPLICATION_NAME)).isEqualTo("todo api");
		assertThat(options.getValue(ConnectionFactoryOptions.CONNECT_TIMEOUT)).isEqualTo(Duration.ofSeconds(10));
		assertThat(details.getJdbcUrl()).startsWith("jdbc:postgresql://host:5432/db?")
			.contains("sslmode=verify-full", "sslrootcert=%2Fetc%2Fssl%2Froot.crt", "ApplicationName=todo+api",
					"connectTimeout=10")
			.doesNotContain(SECRET);
	}

	@Test
	void toStringNeverContainsThePassword() {
		PostgresConnectionDetails details = PostgresConnectionDetails
			.fromUrl("postgresql://todo:" + SECRET + "@db.example.com:6543/todos?sslmode=require");
		assertThat(details.toString()).isEqualTo("postgresql://todo@db.example.com:6543/todos").doesNotContain(SECRET);
		assertThat(details.getJdbcUrl()).doesNotContain(SECRET);
	}

	@ParameterizedTest
	@ValueSource(strings = { "mysql://todo:" + SECRET + "@host:3306/db", "http://todo:" + SECRET + "@host/db",
			"todo:" + SECRET + "@host/db" })
	void fromUrlWhenNotPostgresSchemeThenInvalid(String url) {
		assertInvalid(url, "must start with postgresql://");
	}

	@ParameterizedTest
	@ValueSource(strings = { "postgresql://todo:" + SECRET + "@/db", "postgresql:///db",
			"postgresql://todo:" + SECRET + "@:5432/db" })
	void fromUrlWhenNoHostThenInvalid(String url) {
		assertInvalid(url, "has no host name");
	}

	@ParameterizedTest
	@ValueSource(strings = { "postgresql://host/db", "postgresql://:" + SECRET + "@host/db", "postgresql://@host/db" })
	void fromUrlWhenNoUserThenInvalid(String url) {
		assertInvalid(url, "has no user name");
	}

	@ParameterizedTest
	@ValueSource(strings = { "postgresql://todo:" + SECRET + "@host", "postgresql://todo:" + SECRET + "@host:5432/",
			"postgresql://todo:" + SECRET + "@host?sslmode=require" })
	void fromUrlWhenNoDatabaseThenInvalid(String url) {
		assertInvalid(url, "must name one database");
	}

	@ParameterizedTest
	@ValueSource(
			strings = { "postgresql://todo:" + SECRET + "@host/db/extra", "postgresql://todo:" + SECRET + "@host/db/" })
	void fromUrlWhenTwoPathSegmentsThenInvalid(String url) {
		assertInvalid(url, "must name one database");
	}

	@Test
	void fromUrlWhenUnknownParameterThenInvalidNamingIt() {
		InvalidConfigurationException ex = assertInvalid(
				"postgresql://todo:" + SECRET + "@host/db?sslmode=require&foo=bar", "unsupported parameter 'foo'");
		assertThat(ex.getMessage()).doesNotContain("bar");
	}

	@Test
	void fromUrlWhenPasswordParameterThenInvalidWithoutEchoingIt() {
		assertInvalid("postgresql://todo@host/db?password=" + SECRET, "unsupported parameter 'password'");
	}

	@Test
	void fromUrlWhenUnknownSslModeThenInvalid() {
		assertInvalid("postgresql://todo:" + SECRET + "@host/db?sslmode=bogus", "unknown sslmode 'bogus'");
	}

	/*
	 * libpq (and the JDBC driver that runs the migrations) only know the hyphenated
	 * names; r2dbc-postgresql's SSLMode.fromValue also accepts its enum constants' names.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "verify_full", "VERIFY_CA" })
	void fromUrlWhenSslModeIsAnEnumConstantNameThenInvalid(String sslMode) {
		assertInvalid("postgresql://todo:" + SECRET + "@host/db?sslmode=" + sslMode, "unknown sslmode");
	}

	@ParameterizedTest
	@ValueSource(strings = { "abc", "-1", "1.5", "", "1234567" })
	void fromUrlWhenConnectTimeoutIsNotWholeSecondsThenInvalid(String timeout) {
		assertInvalid("postgresql://todo:" + SECRET + "@host/db?connect_timeout=" + timeout, "connect_timeout");
	}

	@ParameterizedTest
	@ValueSource(strings = { "postgresql://todo:" + SECRET + " @host/db",
			"postgresql://todo:" + SECRET + "@host/db name", "postgresql://todo:" + SECRET + "%zz@host/db",
			"postgresql://todo:" + SECRET + "@host/db?sslmode=%zz", "postgresql://todo:" + SECRET + "@[::1/db",
			"://todo:" + SECRET + "@host/db" })
	void fromUrlWhenUnparsableThenInvalid(String url) {
		InvalidConfigurationException ex = assertInvalid(url, "");
		assertThat(ex.getMessage()).containsAnyOf("is not a valid URL", "malformed");
	}

	@Test
	void errorsSayWhatToDo() {
		InvalidConfigurationException ex = assertInvalid("mysql://todo:" + SECRET + "@host/db", "DATABASE_URL");
		// Unsetting it is no way out outside the development run: no embedded database
		// there
		assertThat(ex.getAction()).contains("postgresql://user:password@host:5432/database").doesNotContain("unset");
	}

	private static InvalidConfigurationException assertInvalid(String url, String messagePart) {
		InvalidConfigurationException ex;
		try {
			PostgresConnectionDetails details = PostgresConnectionDetails.fromUrl(url);
			throw new AssertionError("Expected DATABASE_URL to be refused, but got " + details);
		}
		catch (InvalidConfigurationException thrown) {
			ex = thrown;
		}
		assertThat(ex.getMessage()).startsWith("DATABASE_URL ").contains(messagePart);
		assertThat(ex.getMessage()).doesNotContain(SECRET).doesNotContain(url.strip());
		assertThat(ex.getAction()).doesNotContain(SECRET);
		assertThat(ex).hasNoCause();
		assertThat(ex.toString()).doesNotContain(SECRET);
		return ex;
	}

}
