package app.todo.database;

import java.io.IOException;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Lazy;

/**
 * Connection details from {@code DATABASE_URL}, or an embedded PostgreSQL when it is unset.
 * An auto-configuration, so that it backs off when tests bring a Testcontainers
 * {@code @ServiceConnection}.
 */
@AutoConfiguration(before = { R2dbcAutoConfiguration.class, LiquibaseAutoConfiguration.class },
		afterName = "org.springframework.boot.testcontainers.service.connection.ServiceConnectionAutoConfiguration")
@ConditionalOnMissingBean(R2dbcConnectionDetails.class)
@EnableConfigurationProperties(DatabaseProperties.class)
class DatabaseAutoConfiguration {

	@Bean
	PostgresConnectionDetails postgresConnectionDetails(DatabaseProperties properties,
			ObjectProvider<EmbeddedPostgresServer> embedded) {
		return properties.hasUrl() ? PostgresConnectionDetails.fromUrl(properties.url())
				: embedded.getObject().connectionDetails();
	}

	@Bean(destroyMethod = "close")
	@Lazy
	EmbeddedPostgresServer embeddedPostgresServer(DatabaseProperties properties) throws IOException {
		return EmbeddedPostgresServer.start(properties.embeddedDirectory());
	}

}
