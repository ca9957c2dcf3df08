package app.todo;

import java.util.UUID;

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
 * Testcontainers one where Docker runs), trusting both {@link TestIdentityProvider}'s
 * shared secret and its JWKS. Subclasses share one application context.
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
public abstract class ApiTestSupport {

	protected static final TestIdentityProvider identityProvider = TestIdentityProvider.get();

	@Autowired
	protected WebTestClient client;

	@DynamicPropertySource
	static void identityProvider(DynamicPropertyRegistry registry) {
		registry.add("todo.auth.url", identityProvider::baseUrl);
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
