package app.todo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.io.DefaultResourceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A deployment with a bad setting stops with a short report that names the setting, not a
 * stack trace, and never prints the secret it was given.
 * <p>
 * The contexts that fail keep out of Micrometer's global registry: one left there broken
 * makes every other server of the test run warn at each request that it cannot record
 * (Reactor Netty's meters go through that registry).
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureTests {

	private static final String PASSWORD = "s3cret-Pa55word";

	@Test
	void startWhenDatabaseUrlHasAnUnknownParameterThenOneClearReport(CapturedOutput output) {
		assertStartFails("--todo.database.url=postgresql://todo:" + PASSWORD + "@127.0.0.1:5432/todo?ssl=true");
		assertThat(output).contains("APPLICATION FAILED TO START", "DATABASE_URL has the unsupported parameter 'ssl'")
			.doesNotContain(PASSWORD)
			.doesNotContain("\tat ");
	}

	@Test
	void startWhenDatabaseIsUnreachableThenOneClearReport(CapturedOutput output) {
		// Port 1 on loopback refuses at once
		assertStartFails("--todo.database.url=postgresql://todo:" + PASSWORD + "@127.0.0.1:1/todo");
		assertThat(output).contains("APPLICATION FAILED TO START", "The database could not be reached")
			.doesNotContain(PASSWORD)
			.doesNotContain("\tat ");
	}

	@Test
	void startWhenNoTokenSourceWithADatabaseThenOneClearReport(CapturedOutput output) {
		assertThatException().isThrownBy(() -> SpringApplication.run(TodoApplication.class,
				"--todo.database.url=postgresql://todo:" + PASSWORD + "@127.0.0.1:1/todo", "--todo.auth.secret=",
				"--todo.auth.url=", "--todo.accounts.enabled=false", "--server.port=0",
				"--spring.main.register-shutdown-hook=false", "--management.metrics.use-global-registry=false"));
		assertThat(output).contains("APPLICATION FAILED TO START", "No token source is configured", "BETTER_AUTH_URL")
			.doesNotContain(PASSWORD)
			.doesNotContain("\tat ");
	}

	@Test
	void startWhenNoDatabaseUrlOutsideTheDevelopmentRunThenOneClearReportNamingIt(CapturedOutput output) {
		// The packaged jar's class path: the embedded PostgreSQL is left out of it
		SpringApplication application = new SpringApplication(
				new DefaultResourceLoader(new FilteredClassLoader("io.zonky.test")), TodoApplication.class);
		assertThatException().isThrownBy(() -> application.run("--todo.database.url=",
				"--todo.auth.secret=" + TestIdentityProvider.SECRET, "--server.port=0",
				"--spring.main.register-shutdown-hook=false", "--management.metrics.use-global-registry=false"));
		assertThat(output).contains("APPLICATION FAILED TO START", "DATABASE_URL is not set", "./mvnw spring-boot:run")
			.doesNotContain("Embedded PostgreSQL listening")
			.doesNotContain("\tat ");
	}

	/**
	 * On a throw-away embedded database: the origins are checked after it is migrated.
	 */
	@Test
	void startWhenCorsOriginIsMalformedThenOneClearReport(CapturedOutput output) {
		assertThatException().isThrownBy(() -> SpringApplication.run(TodoApplication.class, "--todo.database.url=",
				"--todo.database.embedded-directory=", "--todo.auth.secret=" + TestIdentityProvider.SECRET,
				"--todo.cors.allowed-origins=https://app.example.com,https://app.example.com/app", "--server.port=0",
				"--spring.main.register-shutdown-hook=false"));
		assertThat(output)
			.contains("APPLICATION FAILED TO START",
					"CORS_ALLOWED_ORIGINS has an entry that is neither an origin nor an origin pattern: "
							+ "'https://app.example.com/app'",
					"http://localhost:[*]")
			.doesNotContain("\tat ");
	}

	/**
	 * Netty's and Spring's strategies believe Forwarded and X-Forwarded-For from any
	 * client.
	 */
	@Test
	void startWhenForwardHeadersStrategyIsNotNoneThenOneClearReport(CapturedOutput output) {
		assertThatException().isThrownBy(() -> SpringApplication.run(TodoApplication.class,
				"--todo.database.url=postgresql://todo:" + PASSWORD + "@127.0.0.1:1/todo",
				"--todo.auth.secret=" + TestIdentityProvider.SECRET, "--server.forward-headers-strategy=native",
				"--server.port=0", "--spring.main.register-shutdown-hook=false",
				"--management.metrics.use-global-registry=false"));
		assertThat(output)
			.contains("APPLICATION FAILED TO START", "SERVER_FORWARD_HEADERS_STRATEGY is native", "TRUSTED_PROXIES")
			.doesNotContain(PASSWORD)
			.doesNotContain("\tat ");
	}

	private static void assertStartFails(String databaseUrl) {
		assertThatException().isThrownBy(() -> SpringApplication.run(TodoApplication.class, databaseUrl,
				"--todo.auth.secret=" + TestIdentityProvider.SECRET, "--server.port=0",
				"--spring.main.register-shutdown-hook=false", "--management.metrics.use-global-registry=false"));
	}

}
