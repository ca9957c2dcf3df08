package app.todo;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Two instances of the whole application, as two replicas behind a balancer: separate
 * application contexts on their own random ports, sharing nothing but one PostgreSQL of
 * their own. Started once for every test class that takes them as a parameter of its
 * {@code @BeforeAll} method (with {@code @ExtendWith(Replicas.Extension.class)}), and
 * stopped at the end of the run.
 */
public final class Replicas implements AutoCloseable {

	private final EmbeddedPostgres database;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private final List<WebTestClient> clients = new ArrayList<>();

	private Replicas() throws IOException {
		this.database = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(60)).start();
		// One after the other, as a rolling deployment does: the first migrates the
		// schema
		start();
		start();
	}

	private void start() {
		// Arguments, as they outrank application.yaml and the environment it reads
		ConfigurableApplicationContext context = new SpringApplicationBuilder(TodoApplication.class).run(
				"--server.port=0",
				"--todo.database.url=postgresql://postgres:postgres@127.0.0.1:" + this.database.getPort() + "/postgres",
				"--todo.auth.secret=" + TestIdentityProvider.SECRET, "--todo.auth.url=");
		this.contexts.add(context);
		String port = context.getEnvironment().getRequiredProperty("local.server.port");
		this.clients.add(WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + port)
			.responseTimeout(Duration.ofSeconds(30))
			.build());
	}

	public WebTestClient first() {
		return this.clients.get(0);
	}

	public WebTestClient second() {
		return this.clients.get(1);
	}

	/**
	 * Runs a statement on the replicas' database, directly, and returns its first column.
	 */
	public long queryForLong(String sql) throws SQLException {
		try (Connection connection = this.database.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(sql)) {
			rows.next();
			return rows.getLong(1);
		}
	}

	@Override
	public void close() throws IOException {
		this.contexts.forEach(ConfigurableApplicationContext::close);
		this.database.close();
	}

	/** Resolves a {@link Replicas} parameter with the run's one pair. */
	public static final class Extension implements ParameterResolver {

		@Override
		public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
			return parameter.getParameter().getType() == Replicas.class;
		}

		@Override
		public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
			return context.getRoot()
				.getStore(ExtensionContext.Namespace.GLOBAL)
				.computeIfAbsent(Replicas.class, (key) -> start(), Replicas.class);
		}

		private static Replicas start() {
			try {
				return new Replicas();
			}
			catch (IOException ex) {
				throw new IllegalStateException("The replicas' PostgreSQL did not start", ex);
			}
		}

	}

}
