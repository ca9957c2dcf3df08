package app.todo.task;

import app.todo.InvalidConfigurationException;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What one user may keep: sign-up is free and a token is all it takes to write, so
 * nothing else would bound the rows one caller can make the database hold.
 *
 * @param tasks {@code QUOTA_TASKS}: tasks a user keeps at most
 * @param deletedTasks {@code QUOTA_DELETED_TASKS}: deleted tasks remembered for delta
 * sync (tombstones, kept for {@code TOMBSTONE_RETENTION}) past which a user cannot create
 * tasks
 * @param idempotencyKeys {@code QUOTA_IDEMPOTENCY_KEYS}: creates with an
 * {@code Idempotency-Key} in 24 hours, each of which keeps its whole answer
 */
@ConfigurationProperties("todo.quotas")
record QuotaProperties(@DefaultValue("10000") int tasks, @DefaultValue("100000") int deletedTasks,
		@DefaultValue("1000") int idempotencyKeys) {

	private static final int MAX = 100_000_000;

	QuotaProperties {
		check("QUOTA_TASKS", tasks);
		check("QUOTA_DELETED_TASKS", deletedTasks);
		check("QUOTA_IDEMPOTENCY_KEYS", idempotencyKeys);
	}

	private static void check(String variable, int value) {
		if (value < 1 || value > MAX) {
			throw new InvalidConfigurationException(variable + " must be a whole number from 1 to " + MAX + ".",
					"Leave it unset for the default.");
		}
	}

}
