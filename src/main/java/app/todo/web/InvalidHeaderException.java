package app.todo.web;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * A request header whose value the route cannot use: {@code 400} naming the header.
 */
public class InvalidHeaderException extends ErrorResponseException {

	public InvalidHeaderException(String header, String detail) {
		super(HttpStatus.BAD_REQUEST);
		getBody().setDetail("Header '" + header + "' " + detail);
		getBody().setProperty("header", header);
	}

}
