package app.todo;

/**
 * A setting from the environment that the API cannot start with. The message names the
 * variable and what is wrong with it, and never echoes a secret value.
 */
public class InvalidConfigurationException extends RuntimeException {

	private final String action;

	public InvalidConfigurationException(String message, String action) {
		super(message);
		this.action = action;
	}

	public String getAction() {
		return this.action;
	}

}
