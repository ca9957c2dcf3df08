package app.todo.database;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the data lives.
 *
 * @param url a libpq-style URL ({@code DATABASE_URL}); blank means the embedded PostgreSQL
 * @param embeddedDirectory data folder of the embedded PostgreSQL; unset means a throw-away one
 */
@ConfigurationProperties("todo.database")
record DatabaseProperties(@Nullable String url, @Nullable Path embeddedDirectory) {

	boolean hasUrl() {
		return this.url != null && !this.url.isBlank();
	}

}
