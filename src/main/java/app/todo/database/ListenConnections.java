package app.todo.database;

import io.r2dbc.spi.ConnectionFactoryOptions;

import app.todo.InvalidConfigurationException;

/**
 * The connection options of a further PostgreSQL URL, such as
 * {@code DATABASE_LISTEN_URL}: read as {@code DATABASE_URL} is, with errors that name the
 * variable they come from.
 */
public final class ListenConnections {

	private ListenConnections() {
	}

	public static ConnectionFactoryOptions options(String variable, String url) {
		try {
			return PostgresConnectionDetails.fromUrl(url).getConnectionFactoryOptions();
		}
		catch (InvalidConfigurationException ex) {
			throw new InvalidConfigurationException(ex.getMessage().replace("DATABASE_URL", variable),
					ex.getAction().replace("DATABASE_URL", variable));
		}
	}

}
