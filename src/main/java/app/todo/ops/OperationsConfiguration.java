package app.todo.ops;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.actuate.endpoint.EndpointFilter;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.web.ExposableWebEndpoint;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * What operators see besides the API: which actuator endpoints are served where, Netty's own
 * metrics, and a log line whenever the application's liveness or readiness changes.
 */
@Configuration(proxyBeanMethods = false)
class OperationsConfiguration {

	private static final Log logger = LogFactory.getLog(OperationsConfiguration.class);

	private static final EndpointId PROMETHEUS = EndpointId.of("prometheus");

	/**
	 * Metrics only ever on the management port: with no {@code MANAGEMENT_SERVER_PORT} the
	 * actuator shares the public port, where only the probes belong.
	 */
	@Bean
	EndpointFilter<ExposableWebEndpoint> metricsOnlyOnManagementPort(Environment environment) {
		boolean separatePort = ManagementPortType.get(environment) == ManagementPortType.DIFFERENT;
		return (endpoint) -> separatePort || !PROMETHEUS.equals(endpoint.getEndpointId());
	}

	/**
	 * Reactor Netty's connection, byte-buffer and event-loop meters. Its per-request meters are
	 * labelled with a constant instead of the raw URI, which would carry task and user ids;
	 * {@code http.server.requests} has the route templates.
	 */
	@Bean
	NettyServerCustomizer nettyMetrics() {
		return (server) -> server.metrics(true, (uri) -> "all");
	}

	@Bean
	WebHttpHandlerBuilderCustomizer requestIds() {
		return (builder) -> builder.httpHandlerDecorator(RequestIds::decorate);
	}

	@Bean
	ApplicationListener<AvailabilityChangeEvent<?>> availabilityChangeLogger() {
		return (event) -> logger.info(event.getState().getClass().getSimpleName() + ": " + event.getState());
	}

}
