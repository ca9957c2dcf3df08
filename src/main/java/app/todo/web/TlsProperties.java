package app.todo.web;

import org.jspecify.annotations.Nullable;

import app.todo.InvalidConfigurationException;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * HTTPS served by the API itself. The PEM texts (or file paths) reach Spring Boot's SSL
 * bundle {@value TlsConfiguration#BUNDLE} through {@code application.yaml}; these copies
 * only say whether TLS is on, and that it is configured whole.
 *
 * @param certificate {@code TLS_CERTIFICATE}: the certificate chain, PEM text or a file
 * path
 * @param privateKey {@code TLS_PRIVATE_KEY}: its unencrypted private key, PEM text or a
 * file path
 */
@ConfigurationProperties("todo.tls")
record TlsProperties(@Nullable String certificate, @Nullable String privateKey) {

	TlsProperties {
		if (isSet(certificate) != isSet(privateKey)) {
			String missing = isSet(certificate) ? "TLS_PRIVATE_KEY" : "TLS_CERTIFICATE";
			throw new InvalidConfigurationException(
					"TLS_CERTIFICATE and TLS_PRIVATE_KEY go together, but " + missing + " is not set.",
					"Set both (PEM text or file paths) to serve HTTPS, or neither to serve plain HTTP.");
		}
	}

	boolean enabled() {
		return isSet(this.certificate);
	}

	private static boolean isSet(@Nullable String value) {
		return value != null && !value.isBlank();
	}

}
