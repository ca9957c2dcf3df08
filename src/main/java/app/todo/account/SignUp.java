package app.todo.account;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import app.todo.web.ValidationException;
import app.todo.web.ValidationException.FieldError;

/**
 * The body of {@code POST /api/auth/sign-up}, validated: an email of at most 254
 * characters, a password of 8 to 128 characters, a name of 1 to 200.
 */
record SignUp(String email, String password, String name) {

	static final int MAX_EMAIL_LENGTH = 254;

	static final int MIN_PASSWORD_LENGTH = 8;

	static final int MAX_PASSWORD_LENGTH = 128;

	static final int MAX_NAME_LENGTH = 200;

	/**
	 * One @, something on each side, a dot in the domain, no spaces or control
	 * characters.
	 */
	private static final Pattern EMAIL = Pattern
		.compile("[^@\\s\\p{Cntrl}]+@[^@\\s\\p{Cntrl}.]+(\\.[^@\\s\\p{Cntrl}.]+)+");

	private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

	@Override
	public String toString() {
		return "SignUp[email=" + this.email + "]";
	}

	static SignUp from(JsonNode body) {
		List<FieldError> errors = new ArrayList<>();
		String email = string(body, "email", errors);
		if (email != null) {
			email = email.strip();
			if (email.length() > MAX_EMAIL_LENGTH) {
				errors.add(new FieldError("email", "must be at most " + MAX_EMAIL_LENGTH + " characters."));
			}
			else if (!EMAIL.matcher(email).matches()) {
				errors.add(new FieldError("email", "must be an email address such as alice@example.com."));
			}
		}
		String password = string(body, "password", errors);
		if (password != null) {
			int length = password.codePointCount(0, password.length());
			if (length < MIN_PASSWORD_LENGTH || length > MAX_PASSWORD_LENGTH) {
				errors.add(new FieldError("password",
						"must be " + MIN_PASSWORD_LENGTH + " to " + MAX_PASSWORD_LENGTH + " characters long."));
			}
		}
		String name = string(body, "name", errors);
		if (name != null) {
			name = name.strip();
			if (name.isEmpty() || name.length() > MAX_NAME_LENGTH || CONTROL.matcher(name).find()) {
				errors.add(new FieldError("name",
						"must be 1 to " + MAX_NAME_LENGTH + " characters, without control characters."));
			}
		}
		if (!errors.isEmpty()) {
			throw new ValidationException(errors);
		}
		return new SignUp(email, password, name);
	}

	/** The member as a string; a missing or non-string member is an error. */
	static @Nullable String string(JsonNode body, String member, List<FieldError> errors) {
		JsonNode value = body.get(member);
		if (value == null || value.isNull()) {
			errors.add(new FieldError(member, "is required."));
			return null;
		}
		if (!value.isString()) {
			errors.add(new FieldError(member, "must be a string."));
			return null;
		}
		return value.stringValue();
	}

}
