package app.todo.web;

import java.util.Locale;

import app.todo.InvalidConfigurationException;

import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.boot.web.server.autoconfigure.ServerProperties.ForwardHeadersStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The HTTP server's own limits, and who decides where a request comes from.
 * <p>
 * Forwarded headers: only {@link ClientAddressResolver}, which believes
 * {@code X-Forwarded-For} from {@code TRUSTED_PROXIES} alone. Spring Boot turns Reactor
 * Netty's own handling of {@code Forwarded} and {@code X-Forwarded-*} on by itself on a
 * cloud platform it detects (Kubernetes, Cloud Foundry, Heroku, Azure...) when
 * {@code server.forward-headers-strategy} is unset, and then any client could name its
 * own address; {@code application.yaml} sets {@code none}, anything else stops start-up,
 * and the server is told again here, last.
 */
@Configuration(proxyBeanMethods = false)
class HttpServerConfiguration {

	@Bean
	WebServerFactoryCustomizer<NettyReactiveWebServerFactory> forwardedHeadersOff(ServerProperties server) {
		ForwardHeadersStrategy strategy = server.getForwardHeadersStrategy();
		if (strategy != ForwardHeadersStrategy.NONE) {
			throw new InvalidConfigurationException(
					"SERVER_FORWARD_HEADERS_STRATEGY is "
							+ ((strategy != null) ? strategy.name().toLowerCase(Locale.ROOT) : "unset")
							+ ", which believes Forwarded and X-Forwarded-For from any client.",
					"Unset it (the API reads X-Forwarded-For itself) and list the balancers in TRUSTED_PROXIES.");
		}
		return new WebServerFactoryCustomizer<>() {

			@Override
			public void customize(NettyReactiveWebServerFactory factory) {
				factory.setUseForwardHeaders(false);
			}

		};
	}

	@Bean
	NettyServerCustomizer connectionLimits(HttpServerProperties properties) {
		return (server) -> server.idleTimeout(properties.idleTimeout())
			.readTimeout(properties.readTimeout())
			.requestTimeout(properties.requestTimeout())
			.maxConnections(properties.maxConnections());
	}

}
