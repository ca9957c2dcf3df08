package app.todo.web;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one rule that rate limits and the access log share: a plain unit test, no context.
 */
class ProbePathsTests {

	@ParameterizedTest
	@CsvSource({ "/actuator/health, true", "/actuator/health/liveness, true", "/actuator/health/readiness, true",
			"/actuator/prometheus, true", "/livez, true", "/readyz, true",
			// The actuator's root lists endpoints: nothing polls it, so it is limited and
			// logged
			"/actuator, false", "/actuatorx, false", "/livez/, false", "/readyz/x, false", "/api/livez, false",
			"/api/tasks, false", "/, false" })
	void isProbeWhenPathThenOnlyTheProbesPaths(String path, boolean probe) {
		assertThat(ProbePaths.isProbe(path)).isEqualTo(probe);
	}

}
