package app.todo.account;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;

import app.todo.web.ValidationException;
import app.todo.web.ValidationException.FieldError;

/**
 * The body of {@code POST /api/auth/sign-in}. Only the shape is checked: whether the
 * email and password are right is the same {@code 401} either way. Bounded, as the email
 * keys a limit.
 */
record SignIn(String email, String password) {

	@Override
	public String toString() {
		return "SignIn[email=" + this.email + "]";
	}

	static SignIn from(JsonNode body) {
		List<FieldError> errors = new ArrayList<>();
		String email = SignUp.string(body, "email", errors);
		if (email != null) {
			email = email.strip();
			// No NUL: the email goes to PostgreSQL, whose text cannot hold it
			if (email.isEmpty() || email.length() > SignUp.MAX_EMAIL_LENGTH || email.indexOf('\0') >= 0) {
				errors.add(new FieldError("email",
						"must be 1 to " + SignUp.MAX_EMAIL_LENGTH + " characters, without the NUL character."));
			}
		}
		String password = SignUp.string(body, "password", errors);
		if (password != null
				&& (password.isEmpty() || password.codePointCount(0, password.length()) > SignUp.MAX_PASSWORD_LENGTH)) {
			errors.add(new FieldError("password", "must be 1 to " + SignUp.MAX_PASSWORD_LENGTH + " characters."));
		}
		if (!errors.isEmpty()) {
			throw new ValidationException(errors);
		}
		return new SignIn(email, password);
	}

}
