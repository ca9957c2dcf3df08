package app.todo.task;

import java.time.Duration;

import app.todo.InvalidConfigurationException;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long deletions stay visible to delta sync, and how often expired rows are purged.
 *
 * @param tombstoneRetention how long a deleted task's tombstone is kept, and so how old a
 * sync token or {@code updated_since} timestamp may be ({@code TOMBSTONE_RETENTION}, at
 * least 30 days)
 * @param purgeInterval how often each instance purges expired tombstones and idempotency
 * keys ({@code PURGE_INTERVAL}, 1 minute to 1 day)
 */
@ConfigurationProperties("todo.sync")
record SyncProperties(@DefaultValue("30d") Duration tombstoneRetention, @DefaultValue("1h") Duration purgeInterval) {

	static final Duration MIN_RETENTION = Duration.ofDays(30);

	SyncProperties {
		if (tombstoneRetention.compareTo(MIN_RETENTION) < 0
				|| tombstoneRetention.compareTo(Duration.ofDays(3650)) > 0) {
			throw new InvalidConfigurationException("TOMBSTONE_RETENTION must be from 30 days to 10 years.",
					"Set TOMBSTONE_RETENTION to a duration such as 30d or 90d, or leave it unset for 30 days.");
		}
		if (purgeInterval.compareTo(Duration.ofMinutes(1)) < 0 || purgeInterval.compareTo(Duration.ofDays(1)) > 0) {
			throw new InvalidConfigurationException("PURGE_INTERVAL must be from 1 minute to 1 day.",
					"Set PURGE_INTERVAL to a duration such as 10m or 1h, or leave it unset for 1 hour.");
		}
	}

}
