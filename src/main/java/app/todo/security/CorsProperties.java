package app.todo.security;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param allowedOrigins origins of the single-page apps that may call the API from a
 * browser ({@code CORS_ALLOWED_ORIGINS}, comma-separated), such as
 * {@code https://app.example.com}
 */
@ConfigurationProperties("todo.cors")
record CorsProperties(@DefaultValue List<String> allowedOrigins) {

	CorsProperties {
		allowedOrigins = allowedOrigins.stream().map(String::strip).filter((origin) -> !origin.isEmpty()).toList();
	}

}
