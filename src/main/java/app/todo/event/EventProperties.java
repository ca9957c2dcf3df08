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
 * beyond, a 503. Unset, as many as the heap holds beside the rest of the instance
 * @param maxStreamsPerUser {@code EVENTS_MAX_STREAMS_PER_USER}: open streams per user and
 * instance at most; beyond, a 429
 * @param heartbeat how often an idle stream carries a comment line, so that proxies keep
 * it open
 */
@ConfigurationProperties("todo.events")
record EventProperties(@Nullable String listenUrl, @Nullable Integer maxStreams,
		@DefaultValue("10") int maxStreamsPerUser, @DefaultValue("15s") Duration heartbeat) {

	/**
	 * What an idle stream holds in the heap: the request's whole filter chain, its
	 * exchange and token stay alive while it is open (measured: about 39 KB each with
	 * 2,500 streams, see docs/live-updates.md), with a margin.
	 */
	static final long HEAP_PER_STREAM = 48 * 1024;

	/** The heap that the rest of the instance needs (36 MB in use after a full GC). */
	static final long HEAP_BESIDE_STREAMS = 96 * 1024 * 1024;

	EventProperties {
		if (maxStreams == null) {
			maxStreams = streamsTheHeapHolds(Runtime.getRuntime().maxMemory());
		}
		if (maxStreams < 1 || maxStreams > 1_000_000) {
			throw new InvalidConfigurationException(
					"EVENTS_MAX_STREAMS must be a whole number from 1 to 1000000, not " + maxStreams + ".",
					"Leave it unset for as many as the heap holds, and keep HTTP_MAX_CONNECTIONS above it.");
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

	/**
	 * So that streams are refused ({@code 503}) before they fill the heap: at least 100,
	 * at most 100,000.
	 */
	static int streamsTheHeapHolds(long maxHeap) {
		long streams = (maxHeap - HEAP_BESIDE_STREAMS) / HEAP_PER_STREAM;
		return (int) Math.max(100, Math.min(100_000, streams));
	}

	boolean hasListenUrl() {
		return this.listenUrl != null && !this.listenUrl.isBlank();
	}

}
