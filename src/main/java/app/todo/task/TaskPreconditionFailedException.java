package app.todo.task;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * {@code If-Match} named a version the task no longer has: the write was not made.
 */
class TaskPreconditionFailedException extends ErrorResponseException {

	TaskPreconditionFailedException() {
		super(HttpStatus.PRECONDITION_FAILED);
		getBody().setDetail("The task has changed since the version in If-Match; nothing was changed. "
				+ "Read it again (GET gives its ETag) and retry against that version.");
	}

}
