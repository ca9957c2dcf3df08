package app.todo.event;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import app.todo.InvalidConfigurationException;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Live updates ({@code GET /api/events}): where the instance listens, and what streams it
 * holds.
 *
 * @param listenUrl {@code DATABASE_LISTEN_URL}: a direct (session) connection for LISTEN,
 * for when {@code DATABASE_URL} goes through a transaction-mode pooler; blank means the
 * connection details of {@code DATABASE_URL}
 * @param maxStreams {@code EVENTS_MAX_STREAMS}: open streams per instance at most;
 * beyond, a 503
 * @param maxStreamsPerUser {@code EVENTS_MAX_STREAMS_PER_USER}: open streams per user and
 * instance at most; beyond, a 429
 * @param heartbeat how often an idle stream carries a comment line, so that proxies keep
 * it open
 */
@ConfigurationProperties("todo.events")
record EventProperties(@Nullable String listenUrl, @DefaultValue("2000") int maxStreams,
		@DefaultValue("10") int maxStreamsPerUser, @DefaultValue("15s") Duration heartbeat) {

	EventProperties {
		if (maxStreams < 1 || maxStreams > 1_000_000) {
			throw new InvalidConfigurationException(
					"EVENTS_MAX_STREAMS must be a whole number from 1 to 1000000, not " + maxStreams + ".",
					"Leave it unset for 10000, and keep HTTP_MAX_CONNECTIONS above it.");
		}
		if (maxStreamsPerUser < 1 || maxStreamsPerUser > 1000) {
			throw new InvalidConfigurationException(
					"EVENTS_MAX_STREAMS_PER_USER must be a whole number from 1 to 1000, not " + maxStreamsPerUser + ".",
					"Leave it unset for 10.");
		}
		if (heartbeat.compareTo(Duration.ofMillis(100)) < 0 || heartbeat.compareTo(Duration.ofSeconds(15)) > 0) {
			throw new InvalidConfigurationException("todo.events.heartbeat must be from 100ms to 15s.",
					"Leave it unset for 15s.");
		}
	}

	boolean hasListenUrl() {
		return this.listenUrl != null && !this.listenUrl.isBlank();
	}

}
