package app.todo.database;

import java.io.IOException;

import app.todo.InvalidConfigurationException;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/**
 * Connection details from {@code DATABASE_URL}, or an embedded PostgreSQL when it is
 * unset in the development run. An auto-configuration, so that it backs off when tests
 * bring a Testcontainers {@code @ServiceConnection}.
 */
@AutoConfiguration(before = { R2dbcAutoConfiguration.class, LiquibaseAutoConfiguration.class },
		afterName = "org.springframework.boot.testcontainers.service.connection.ServiceConnectionAutoConfiguration")
@ConditionalOnMissingBean(R2dbcConnectionDetails.class)
@EnableConfigurationProperties(DatabaseProperties.class)
class DatabaseAutoConfiguration {

	@Bean
	PostgresConnectionDetails postgresConnectionDetails(DatabaseProperties properties,
			ObjectProvider<EmbeddedPostgresServer> embedded) {
		if (properties.hasUrl()) {
			return PostgresConnectionDetails.fromUrl(properties.url());
		}
		EmbeddedPostgresServer server = embedded.getIfAvailable();
		if (server == null) {
			throw new InvalidConfigurationException("DATABASE_URL is not set.",
					"Set DATABASE_URL to the PostgreSQL to use, such as postgresql://user:password@host:5432/database?sslmode=require. "
							+ "Only the development run (./mvnw spring-boot:run) starts an embedded PostgreSQL without it.");
		}
		return server.connectionDetails();
	}

	/**
	 * The embedded PostgreSQL's library and binaries are on the class path of the
	 * development run and the tests only: the packaged jar leaves them out (see pom.xml),
	 * so that a deployment without {@code DATABASE_URL} stops instead of keeping its data
	 * in a container.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.zonky.test.db.postgres.embedded.EmbeddedPostgres")
	static class EmbeddedDatabaseConfiguration {

		@Bean(destroyMethod = "close")
		@Lazy
		EmbeddedPostgresServer embeddedPostgresServer(DatabaseProperties properties) throws IOException {
			return EmbeddedPostgresServer.start(properties.embeddedDirectory());
		}

	}

}
