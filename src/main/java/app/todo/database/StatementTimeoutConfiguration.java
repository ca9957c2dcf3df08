package app.todo.database;

import java.time.Duration;

import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import io.r2dbc.spi.ConnectionFactories;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.r2dbc.ConnectionFactoryDecorator;
import org.springframework.boot.r2dbc.autoconfigure.ConnectionFactoryOptionsBuilderCustomizer;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Every connection of the requests' pool starts with {@code statement_timeout} set,
 * whichever database it reaches (also one that tests bring): a query that would scan far
 * more than a request should is cancelled by PostgreSQL, and the request answers
 * {@code 503}, instead of holding a pooled connection and a server process for as long as
 * it takes. Migrations run over JDBC, without it. Behind a transaction-mode pooler, which
 * refuses the setting, connections go without it (see {@link StatementTimeoutFallback}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DatabaseProperties.class)
class StatementTimeoutConfiguration {

	@Bean
	ConnectionFactoryOptionsBuilderCustomizer statementTimeout(DatabaseProperties properties) {
		Duration timeout = properties.statementTimeout();
		return (options) -> {
			if (!timeout.isZero()) {
				options.option(PostgresqlConnectionFactoryProvider.STATEMENT_TIMEOUT, timeout);
			}
		};
	}

	@Bean
	ConnectionFactoryDecorator statementTimeoutFallback(DatabaseProperties properties,
			R2dbcConnectionDetails database) {
		Duration timeout = properties.statementTimeout();
		return (connections) -> timeout.isZero() ? connections : new StatementTimeoutFallback(connections, timeout,
				ConnectionFactories.get(database.getConnectionFactoryOptions()));
	}

}
