package app.todo.ops;

import java.time.Duration;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.r2dbc.spi.ConnectionFactory;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.actuate.endpoint.EndpointFilter;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.ExposableWebEndpoint;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.r2dbc.health.ConnectionFactoryHealthIndicator;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * What operators see besides the API: which actuator endpoints are served where, health
 * details on the management port, Netty's own metrics, and a log line whenever the
 * application's liveness or readiness changes.
 */
@Configuration(proxyBeanMethods = false)
class OperationsConfiguration {

	private static final Log logger = LogFactory.getLog(OperationsConfiguration.class);

	/** The endpoints for operators only: metrics, and the build's version. */
	private static final Set<EndpointId> MANAGEMENT_PORT_ONLY = Set.of(EndpointId.of("prometheus"),
			EndpointId.of("info"));

	static final Duration DATABASE_CHECK_TTL = Duration.ofSeconds(1);

	/**
	 * Metrics and the build's version only ever on the management port: with no
	 * {@code MANAGEMENT_SERVER_PORT} the actuator shares the public port, where only the
	 * probes belong.
	 */
	@Bean
	EndpointFilter<ExposableWebEndpoint> metricsOnlyOnManagementPort(Environment environment) {
		boolean separatePort = ManagementPortType.get(environment) == ManagementPortType.DIFFERENT;
		return (endpoint) -> separatePort || !MANAGEMENT_PORT_ONLY.contains(endpoint.getEndpointId());
	}

	/**
	 * Health details (each component: the database, the JWKS, disk space) in
	 * {@code /actuator/health} on the management port only. The settings show none
	 * anywhere, so the public port never does; the probes' groups stay bare on both
	 * ports.
	 */
	@Bean
	HealthEndpointGroupsPostProcessor healthDetailsOnManagementPort(Environment environment) {
		boolean separatePort = ManagementPortType.get(environment) == ManagementPortType.DIFFERENT;
		return (groups) -> separatePort
				? HealthEndpointGroups.of(new Detailed(groups.getPrimary()),
						groups.getNames().stream().collect(Collectors.toMap(Function.identity(), groups::get)))
				: groups;
	}

	/**
	 * Reactor Netty's connection, byte-buffer and event-loop meters. Its per-request
	 * meters are labelled with a constant instead of the raw URI, which would carry task
	 * and user ids; {@code http.server.requests} has the route templates.
	 */
	@Bean
	NettyServerCustomizer nettyMetrics() {
		return (server) -> server.metrics(true, (uri) -> "all");
	}

	/**
	 * The database check of readiness ({@code r2dbc}, replacing Spring Boot's own), at
	 * most one round trip per {@link #DATABASE_CHECK_TTL}: the probes are public and
	 * never rate limited, and each check takes a pooled connection, so without it a flood
	 * of {@code /readyz} would drain the pool under everyone else. Probes at the same
	 * moment share one check, and a check runs to its end even when the probe that
	 * started it goes away.
	 */
	@Bean
	ReactiveHealthIndicator r2dbcHealthIndicator(ConnectionFactory connectionFactory) {
		ConnectionFactoryHealthIndicator database = new ConnectionFactoryHealthIndicator(connectionFactory);
		Mono<Health> check = Mono.defer(database::health)
			.cache((health) -> DATABASE_CHECK_TTL, (ex) -> DATABASE_CHECK_TTL, () -> DATABASE_CHECK_TTL);
		return () -> check;
	}

	@Bean
	WebHttpHandlerBuilderCustomizer requestIds() {
		return (builder) -> builder.httpHandlerDecorator(RequestIds::decorate);
	}

	@Bean
	ApplicationListener<AvailabilityChangeEvent<?>> availabilityChangeLogger() {
		return (event) -> logger.info(event.getState().getClass().getSimpleName() + ": " + event.getState());
	}

	/** A health group as configured, but showing its components and their details. */
	private record Detailed(HealthEndpointGroup group) implements HealthEndpointGroup {

		@Override
		public boolean isMember(String name) {
			return this.group.isMember(name);
		}

		@Override
		public boolean showComponents(SecurityContext securityContext) {
			return true;
		}

		@Override
		public boolean showDetails(SecurityContext securityContext) {
			return true;
		}

		@Override
		public StatusAggregator getStatusAggregator() {
			return this.group.getStatusAggregator();
		}

		@Override
		public HttpCodeStatusMapper getHttpCodeStatusMapper() {
			return this.group.getHttpCodeStatusMapper();
		}

		@Override
		public AdditionalHealthEndpointPath getAdditionalPath() {
			return this.group.getAdditionalPath();
		}

	}

}
