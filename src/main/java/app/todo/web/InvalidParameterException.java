package app.todo.web;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * A query parameter with a value the route does not know: {@code 400} naming the
 * parameter.
 */
public class InvalidParameterException extends ErrorResponseException {

	public InvalidParameterException(String parameter, String detail) {
		super(HttpStatus.BAD_REQUEST);
		getBody().setDetail("Query parameter '" + parameter + "' " + detail);
		getBody().setProperty("parameter", parameter);
	}

}
