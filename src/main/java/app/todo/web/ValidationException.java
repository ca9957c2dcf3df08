package app.todo.web;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * A request body whose members break the contract's rules: {@code 422} with one entry per
 * member in {@code errors}.
 */
public class ValidationException extends ErrorResponseException {

	public ValidationException(List<FieldError> errors) {
		super(HttpStatus.UNPROCESSABLE_CONTENT);
		getBody().setDetail((errors.size() == 1) ? "The member '" + errors.get(0).field() + "' is invalid."
				: "The request has " + errors.size() + " invalid members.");
		getBody().setProperty("errors", List.copyOf(errors));
	}

	public record FieldError(String field, String message) {
	}

}
