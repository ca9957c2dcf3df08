package app.todo.web;

import java.time.Duration;

import app.todo.InvalidConfigurationException;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What one client may hold of the server: connections, and time on them.
 *
 * @param idleTimeout {@code HTTP_IDLE_TIMEOUT}: how long a connection may wait for its
 * next request, byte to byte, before it is closed
 * @param readTimeout {@code HTTP_READ_TIMEOUT}: the longest pause between two reads of a
 * request body
 * @param requestTimeout {@code HTTP_REQUEST_TIMEOUT}: the longest time to receive a whole
 * request body
 * @param maxConnections {@code HTTP_MAX_CONNECTIONS}: open connections at most; beyond,
 * new ones are closed at once
 */
@ConfigurationProperties("todo.http")
record HttpServerProperties(@DefaultValue("60s") Duration idleTimeout, @DefaultValue("10s") Duration readTimeout,
		@DefaultValue("30s") Duration requestTimeout, @DefaultValue("10000") int maxConnections) {

	private static final Duration MAX_TIMEOUT = Duration.ofHours(1);

	HttpServerProperties {
		check("HTTP_IDLE_TIMEOUT", idleTimeout);
		check("HTTP_READ_TIMEOUT", readTimeout);
		check("HTTP_REQUEST_TIMEOUT", requestTimeout);
		if (maxConnections < 1 || maxConnections > 1_000_000) {
			throw new InvalidConfigurationException(
					"HTTP_MAX_CONNECTIONS must be a whole number from 1 to 1000000, not " + maxConnections + ".",
					"Leave it unset for 10000.");
		}
	}

	private static void check(String variable, Duration timeout) {
		// Zero or less would mean no timeout at all in Netty: a slow client could hold a
		// connection for good
		if (timeout.compareTo(Duration.ofMillis(100)) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
			throw new InvalidConfigurationException(variable + " must be from 100ms to 1h.",
					"Set a duration such as 30s, or leave it unset.");
		}
	}

}
