package app.todo;

import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Tag;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The whole API on a random port, on a real PostgreSQL (a throw-away embedded one, or a
 * Testcontainers one where Docker runs, or the one {@value #DATABASE_URL_PROPERTY}
 * names), trusting both {@link TestIdentityProvider}'s shared secret and its JWKS.
 * Subclasses share one application context; their tag {@code api} is what the cluster run
 * ({@code src/ops/citus-test.sh}, Maven profile {@code citus}) selects.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "todo.database.url=", "todo.database.embedded-directory=",
				"todo.auth.secret=" + TestIdentityProvider.SECRET,
				"todo.cors.allowed-origins=https://app.example.com,https://*.preview.example.com",
				// Many tests send hundreds of requests from one address; RateLimitTests
				// has small limits
				"todo.rate-limit.user-rate=1000000", "todo.rate-limit.user-burst=1000000",
				"todo.rate-limit.address-rate=1000000", "todo.rate-limit.address-burst=1000000" })
@AutoConfigureWebTestClient(timeout = "30s")
@Import(TestcontainersConfiguration.class)
@Tag("api")
public abstract class ApiTestSupport {

	/**
	 * A system property with a {@code DATABASE_URL} to run on instead, such as a Citus
	 * coordinator's: the tests share what they find there, each with users of its own.
	 */
	public static final String DATABASE_URL_PROPERTY = "test.database.url";

	protected static final TestIdentityProvider identityProvider = TestIdentityProvider.get();

	@Autowired
	protected WebTestClient client;

	@DynamicPropertySource
	static void identityProvider(DynamicPropertyRegistry registry) {
		registry.add("todo.auth.url", identityProvider::baseUrl);
		String databaseUrl = externalDatabaseUrl();
		if (databaseUrl != null) {
			// Dynamic properties win over @SpringBootTest's empty todo.database.url
			registry.add("todo.database.url", () -> databaseUrl);
		}
	}

	static @Nullable String externalDatabaseUrl() {
		String url = System.getProperty(DATABASE_URL_PROPERTY);
		return (url == null || url.isBlank()) ? null : url;
	}

	/**
	 * The two forms of every task route: {@code /api/tasks} and
	 * {@code /api/{user_id}/tasks}.
	 */
	protected enum PathForm {

		PLAIN, USER;

		public String tasks(String user) {
			return (this == PLAIN) ? "/api/tasks" : "/api/" + user + "/tasks";
		}

	}

	/**
	 * A user no other test knows, so that tests sharing the database stay independent.
	 */
	protected static String newUser() {
		return "user-" + UUID.randomUUID();
	}

	/** A client signed in as the user with an HS256 token. */
	protected WebTestClient as(String user) {
		return this.client.mutate()
			.defaultHeaders((headers) -> headers.setBearerAuth(identityProvider.hs256(user)))
			.build();
	}

}
