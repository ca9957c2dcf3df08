package app.todo.task;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * No task with that id belongs to the caller: whether it exists for someone else is not
 * told.
 */
class TaskNotFoundException extends ErrorResponseException {

	TaskNotFoundException() {
		super(HttpStatus.NOT_FOUND);
		getBody().setDetail("No such task.");
	}

}
