package app.todo.database;

import java.nio.file.Path;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import app.todo.InvalidConfigurationException;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the data lives.
 *
 * @param url a libpq-style URL ({@code DATABASE_URL}); blank means the embedded
 * PostgreSQL
 * @param embeddedDirectory data folder of the embedded PostgreSQL; unset means a
 * throw-away one
 * @param statementTimeout {@code DATABASE_STATEMENT_TIMEOUT}: PostgreSQL cancels any
 * statement of a request that runs longer; zero leaves it to the server's own setting
 */
@ConfigurationProperties("todo.database")
record DatabaseProperties(@Nullable String url, @Nullable Path embeddedDirectory,
		@DefaultValue("10s") Duration statementTimeout) {

	DatabaseProperties {
		if (statementTimeout.isNegative() || statementTimeout.compareTo(Duration.ofHours(1)) > 0
				|| (!statementTimeout.isZero() && statementTimeout.compareTo(Duration.ofMillis(100)) < 0)) {
			throw new InvalidConfigurationException("DATABASE_STATEMENT_TIMEOUT must be 0 or from 100ms to 1h.",
					"Set a duration such as 10s, 0 to leave it to PostgreSQL, or leave it unset for 10s.");
		}
	}

	boolean hasUrl() {
		return this.url != null && !this.url.isBlank();
	}

}
