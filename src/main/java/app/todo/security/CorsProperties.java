package app.todo.security;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

import app.todo.InvalidConfigurationException;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param allowedOrigins origins of the single-page apps that may call the API from a
 * browser ({@code CORS_ALLOWED_ORIGINS}, comma-separated), such as
 * {@code https://app.example.com}, or patterns of them ({@code https://*.example.com},
 * {@code http://localhost:[*]}); the development run's are in
 * {@code application-dev.yaml}
 */
@ConfigurationProperties("todo.cors")
record CorsProperties(@DefaultValue List<String> allowedOrigins) {

	CorsProperties {
		allowedOrigins = allowedOrigins.stream().map(String::strip).filter((origin) -> !origin.isEmpty()).toList();
		allowedOrigins.forEach(CorsProperties::checkOrigin);
	}

	/**
	 * An origin ({@code https://app.example.com}) or a pattern of them, as Spring's
	 * {@code CorsConfiguration.setAllowedOriginPatterns} reads it: {@code *.} at the
	 * start of the host ({@code https://*.example.com}) and a port of {@code [*]}
	 * ({@code http://localhost:[*]}); or {@code *} alone, harmless here since browsers
	 * send no credentials. Anything else (another scheme, a path, a wildcard elsewhere)
	 * is refused at start-up, as it would match nothing or more than meant.
	 */
	static void checkOrigin(String origin) {
		if ("*".equals(origin)) {
			return;
		}
		String candidate = origin.endsWith("/") ? origin.substring(0, origin.length() - 1) : origin;
		candidate = candidate.replaceFirst("^(https?://)\\*\\.", "$1wildcard.").replaceFirst(":\\[\\*]$", "");
		if (candidate.indexOf('*') < 0) {
			try {
				URI uri = new URI(candidate);
				if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
						&& uri.getRawUserInfo() == null && uri.getRawPath().isEmpty() && uri.getRawQuery() == null
						&& uri.getRawFragment() == null) {
					return;
				}
			}
			catch (URISyntaxException ex) {
				// reported below
			}
		}
		throw new InvalidConfigurationException(
				"CORS_ALLOWED_ORIGINS has an entry that is neither an origin nor an origin pattern: '" + origin + "'.",
				"List origins separated by commas: https://app.example.com, https://*.example.com (any subdomain) "
						+ "or http://localhost:[*] (any port).");
	}

}
