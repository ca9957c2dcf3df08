package app.todo.database;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import io.r2dbc.postgresql.client.ChannelBindingMode;
import io.r2dbc.postgresql.client.SSLMode;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.jspecify.annotations.Nullable;

import app.todo.InvalidConfigurationException;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseConnectionDetails;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;

/**
 * One PostgreSQL database, handed to R2DBC for requests and to JDBC for Liquibase's
 * migrations.
 *
 * @param parameters libpq query parameters, by their libpq names
 */
record PostgresConnectionDetails(String host, int port, String database, String username, @Nullable String password,
		Map<String, String> parameters)
		implements
			R2dbcConnectionDetails,
			JdbcConnectionDetails,
			LiquibaseConnectionDetails {

	private static final List<String> SUPPORTED_PARAMETERS = List.of("sslmode", "sslrootcert", "application_name",
			"connect_timeout", "channel_binding", "options");

	/** libpq's names, which both drivers understand. */
	private static final List<String> SSL_MODES = List.of("disable", "allow", "prefer", "require", "verify-ca",
			"verify-full");

	private static final List<String> CHANNEL_BINDINGS = List.of("disable", "prefer", "require");

	private static final String EXAMPLE = "postgresql://user:password@host:5432/database?sslmode=require";

	/**
	 * Parses the URL form that managed PostgreSQL providers hand out, for example
	 * {@code postgresql://user:password@host:5432/database?sslmode=require}.
	 */
	static PostgresConnectionDetails fromUrl(String url) {
		URI uri;
		try {
			uri = new URI(url.strip());
		}
		catch (URISyntaxException ex) {
			// The message of URISyntaxException quotes the input, password included
			throw invalid("is not a valid URL");
		}
		if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
			throw invalid("must start with postgresql://");
		}
		if (uri.getHost() == null || uri.getHost().isEmpty()) {
			throw invalid("has no host name");
		}
		String rawUserInfo = uri.getRawUserInfo();
		if (rawUserInfo == null || rawUserInfo.isEmpty() || rawUserInfo.startsWith(":")) {
			throw invalid("has no user name");
		}
		int colon = rawUserInfo.indexOf(':');
		String username = decode((colon < 0) ? rawUserInfo : rawUserInfo.substring(0, colon));
		String password = (colon < 0) ? null : decode(rawUserInfo.substring(colon + 1));
		String path = (uri.getPath() != null) ? uri.getPath() : "";
		String database = path.startsWith("/") ? path.substring(1) : path;
		if (database.isEmpty() || database.contains("/")) {
			throw invalid("must name one database after the host, as in " + EXAMPLE);
		}
		Map<String, String> parameters = parseQuery(uri.getRawQuery());
		return new PostgresConnectionDetails(uri.getHost(), (uri.getPort() != -1) ? uri.getPort() : 5432, database,
				username, password, parameters);
	}

	private static Map<String, String> parseQuery(@Nullable String rawQuery) {
		Map<String, String> parameters = new LinkedHashMap<>();
		if (rawQuery == null || rawQuery.isEmpty()) {
			return parameters;
		}
		for (String pair : rawQuery.split("&")) {
			int equals = pair.indexOf('=');
			String name = decode((equals < 0) ? pair : pair.substring(0, equals));
			String value = (equals < 0) ? "" : decode(pair.substring(equals + 1));
			if (!SUPPORTED_PARAMETERS.contains(name)) {
				throw invalid("has the unsupported parameter '" + name + "' (supported: "
						+ String.join(", ", SUPPORTED_PARAMETERS) + ")");
			}
			parameters.put(name, value);
		}
		String sslMode = parameters.get("sslmode");
		if (sslMode != null && !SSL_MODES.contains(sslMode)) {
			throw invalid("has an unknown sslmode '" + sslMode + "' (one of " + String.join(", ", SSL_MODES) + ")");
		}
		String channelBinding = parameters.get("channel_binding");
		if (channelBinding != null && !CHANNEL_BINDINGS.contains(channelBinding)) {
			throw invalid("has an unknown channel_binding '" + channelBinding + "' (one of "
					+ String.join(", ", CHANNEL_BINDINGS) + ")");
		}
		String timeout = parameters.get("connect_timeout");
		if (timeout != null && !timeout.matches("\\d{1,6}")) {
			throw invalid("has a connect_timeout that is not a whole number of seconds");
		}
		return parameters;
	}

	private static String decode(String part) {
		try {
			// URLDecoder would turn '+' into a space, which libpq does not
			return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			throw invalid("has a malformed %-escape");
		}
	}

	private static InvalidConfigurationException invalid(String problem) {
		return new InvalidConfigurationException("DATABASE_URL " + problem + ".", "Set DATABASE_URL to a URL such as "
				+ EXAMPLE + " (percent-encode special characters in the password).");
	}

	@Override
	public ConnectionFactoryOptions getConnectionFactoryOptions() {
		ConnectionFactoryOptions.Builder options = ConnectionFactoryOptions.builder()
			.option(ConnectionFactoryOptions.DRIVER, "postgresql")
			.option(ConnectionFactoryOptions.HOST, this.host)
			.option(ConnectionFactoryOptions.PORT, this.port)
			.option(ConnectionFactoryOptions.DATABASE, this.database)
			.option(ConnectionFactoryOptions.USER, this.username)
			// Results in binary: numbers and timestamps are copied, not parsed from text
			.option(PostgresqlConnectionFactoryProvider.FORCE_BINARY, true);
		if (this.password != null) {
			options.option(ConnectionFactoryOptions.PASSWORD, this.password);
		}
		this.parameters.forEach((name, value) -> {
			switch (name) {
				case "sslmode" ->
					options.option(PostgresqlConnectionFactoryProvider.SSL_MODE, SSLMode.fromValue(value));
				case "sslrootcert" -> options.option(PostgresqlConnectionFactoryProvider.SSL_ROOT_CERT, value);
				case "application_name" -> options.option(PostgresqlConnectionFactoryProvider.APPLICATION_NAME, value);
				case "connect_timeout" ->
					options.option(ConnectionFactoryOptions.CONNECT_TIMEOUT, Duration.ofSeconds(Long.parseLong(value)));
				case "channel_binding" -> options.option(PostgresqlConnectionFactoryProvider.CHANNEL_BINDING,
						ChannelBindingMode.valueOf(value.toUpperCase(Locale.ROOT)));
				// Sent as the "options" startup parameter, as libpq does: Neon reads
				// endpoint=... from it
				case "options" -> options.option(PostgresqlConnectionFactoryProvider.OPTIONS, Map.of("options", value));
				default -> throw new IllegalStateException("Unmapped parameter " + name);
			}
		});
		return options.build();
	}

	@Override
	public String getJdbcUrl() {
		String query = this.parameters.entrySet()
			.stream()
			.map((parameter) -> jdbcName(parameter.getKey()) + "="
					+ URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
		return "jdbc:postgresql://" + this.host + ":" + this.port + "/"
				+ URLEncoder.encode(this.database, StandardCharsets.UTF_8) + (query.isEmpty() ? "" : "?" + query);
	}

	private static String jdbcName(String libpqName) {
		return switch (libpqName) {
			case "application_name" -> "ApplicationName";
			case "connect_timeout" -> "connectTimeout";
			case "channel_binding" -> "channelBinding";
			default -> libpqName;
		};
	}

	@Override
	public String getDriverClassName() {
		return "org.postgresql.Driver";
	}

	@Override
	public String getUsername() {
		return this.username;
	}

	@Override
	public @Nullable String getPassword() {
		return this.password;
	}

	@Override
	public String toString() {
		return "postgresql://" + this.username + "@" + this.host + ":" + this.port + "/" + this.database;
	}
}
