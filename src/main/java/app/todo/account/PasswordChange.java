package app.todo.account;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;

import app.todo.web.ValidationException;
import app.todo.web.ValidationException.FieldError;

/**
 * The body of {@code POST /api/me/password}: the current password, checked as sign-in
 * checks one (1 to 128 characters), and the new one, under sign-up's rules (8 to 128).
 */
record PasswordChange(String currentPassword, String newPassword) {

	@Override
	public String toString() {
		return "PasswordChange[(hidden)]";
	}

	static PasswordChange from(JsonNode body) {
		List<FieldError> errors = new ArrayList<>();
		String current = SignUp.string(body, "current_password", errors);
		if (current != null
				&& (current.isEmpty() || current.codePointCount(0, current.length()) > SignUp.MAX_PASSWORD_LENGTH)) {
			errors
				.add(new FieldError("current_password", "must be 1 to " + SignUp.MAX_PASSWORD_LENGTH + " characters."));
		}
		String next = SignUp.string(body, "new_password", errors);
		if (next != null) {
			int length = next.codePointCount(0, next.length());
			if (length < SignUp.MIN_PASSWORD_LENGTH || length > SignUp.MAX_PASSWORD_LENGTH) {
				errors.add(new FieldError("new_password", "must be " + SignUp.MIN_PASSWORD_LENGTH + " to "
						+ SignUp.MAX_PASSWORD_LENGTH + " characters long."));
			}
		}
		if (!errors.isEmpty()) {
			throw new ValidationException(errors);
		}
		return new PasswordChange(current, next);
	}

}
