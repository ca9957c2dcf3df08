package app.todo.ops;

import org.junit.jupiter.api.Test;

import app.todo.ApiTestSupport;

/**
 * Without {@code MANAGEMENT_SERVER_PORT} the actuator shares the public port: there it
 * serves the probes and a bare health status, never details, metrics or the build's
 * version.
 */
class PublicPortActuatorTests extends ApiTestSupport {

	@Test
	void healthWhenNoManagementPortThenStatusOnlyOnThePublicPort() {
		this.client.get()
			.uri("/actuator/health")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP")
			.jsonPath("$.components")
			.doesNotExist()
			.jsonPath("$.details")
			.doesNotExist();
		this.client.get()
			.uri("/actuator/health/readiness")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.json("{\"status\":\"UP\"}", true);
	}

	@Test
	void infoAndMetricsWhenNoManagementPortThenNotFound() {
		for (String path : new String[] { "/actuator/info", "/actuator/prometheus" }) {
			this.client.get().uri(path).exchange().expectStatus().isNotFound();
		}
	}

}
