package app.todo;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

import org.springframework.boot.liquibase.autoconfigure.LiquibaseConnectionDetails;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * PostgreSQL in a container where a Docker engine runs, unless the tests are given a
 * database of their own ({@link ApiTestSupport#DATABASE_URL_PROPERTY}); elsewhere (CI
 * here) nothing, and the application's own embedded PostgreSQL takes over.
 */
@TestConfiguration(proxyBeanMethods = false)
@Conditional(TestcontainersConfiguration.DockerAvailable.class)
public class TestcontainersConfiguration {

	@Bean
	@ServiceConnection
	PostgreSQLContainer postgres() {
		return new PostgreSQLContainer("postgres:17-alpine");
	}

	// Liquibase migrates over JDBC, which @ServiceConnection only offers as a DataSource
	@Bean
	LiquibaseConnectionDetails liquibaseConnectionDetails(PostgreSQLContainer postgres) {
		return new LiquibaseConnectionDetails() {

			@Override
			public String getUsername() {
				return postgres.getUsername();
			}

			@Override
			public String getPassword() {
				return postgres.getPassword();
			}

			@Override
			public String getJdbcUrl() {
				return postgres.getJdbcUrl();
			}

		};
	}

	static final class DockerAvailable implements Condition {

		private static final boolean AVAILABLE = DockerClientFactory.instance().isDockerAvailable();

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return AVAILABLE && ApiTestSupport.externalDatabaseUrl() == null;
		}

	}

}
