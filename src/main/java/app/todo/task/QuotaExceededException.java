package app.todo.task;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * A create past one of the user's {@linkplain QuotaProperties quotas}: {@code 409},
 * naming the quota and its limit, and nothing is written.
 */
class QuotaExceededException extends ErrorResponseException {

	QuotaExceededException(String quota, int limit, String detail) {
		super(HttpStatus.CONFLICT);
		getBody().setDetail(detail);
		getBody().setProperty("quota", quota);
		getBody().setProperty("limit", limit);
	}

	static QuotaExceededException tasks(int limit) {
		return new QuotaExceededException("tasks", limit,
				"You have " + limit + " tasks, the most one account keeps; delete some to add more.");
	}

	static QuotaExceededException deletedTasks(int limit) {
		return new QuotaExceededException("deleted_tasks", limit, "You deleted " + limit
				+ " tasks recently, the most one account may while deletions are kept for sync; retry later.");
	}

	static QuotaExceededException idempotencyKeys(int limit) {
		return new QuotaExceededException("idempotency_keys", limit,
				"You used " + limit + " Idempotency-Keys in the last 24 hours, the most one account may; "
						+ "retry later, or create without one.");
	}

}
