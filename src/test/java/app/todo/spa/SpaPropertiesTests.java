package app.todo.spa;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import app.todo.TodoApplication;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * {@code SPA_ENABLED} is a boolean or the API does not start.
 */
@ExtendWith(OutputCaptureExtension.class)
class SpaPropertiesTests {

	@Test
	void startWhenSpaEnabledIsNotABooleanThenOneClearReportNamingIt(CapturedOutput output) {
		// The database is unreachable (port 1): the setting is refused before it is tried
		assertThatException().isThrownBy(() -> SpringApplication.run(TodoApplication.class, "--todo.spa.enabled=maybe",
				"--todo.database.url=postgresql://todo:todo@127.0.0.1:1/todo", "--server.port=0",
				"--spring.main.register-shutdown-hook=false"));
		assertThat(output).contains("APPLICATION FAILED TO START", "todo.spa.enabled", "maybe")
			.doesNotContain("The database could not be reached")
			.doesNotContain("\tat ");
	}

}
