package app.todo.web;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.web.server.Http2;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.reactive.ConfigurableReactiveWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * HTTPS with HTTP/2 (and HTTP/1.1, chosen by ALPN) when a certificate is configured;
 * plain HTTP/1.1 otherwise, as behind a balancer that terminates TLS.
 */
@Configuration(proxyBeanMethods = false)
class TlsConfiguration {

	/** The SSL bundle that {@code application.yaml} fills from the environment. */
	static final String BUNDLE = "server";

	private static final Log logger = LogFactory.getLog(TlsConfiguration.class);

	@Bean
	WebServerFactoryCustomizer<ConfigurableReactiveWebServerFactory> tlsCustomizer(TlsProperties properties) {
		return (factory) -> {
			if (!properties.enabled()) {
				return;
			}
			factory.setSsl(Ssl.forBundle(BUNDLE));
			Http2 http2 = new Http2();
			http2.setEnabled(true);
			factory.setHttp2(http2);
			logger.info("Serving HTTPS with HTTP/2 (certificate from TLS_CERTIFICATE)");
		};
	}

}
