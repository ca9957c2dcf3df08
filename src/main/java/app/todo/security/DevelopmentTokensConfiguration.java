package app.todo.security;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import app.todo.web.InvalidParameterException;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.http.MediaType;
import org.springframework.util.StringUtils;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * Development mode: the embedded database and no token source. Lets a newcomer make
 * authenticated calls a minute after cloning; switched off by configuring either a database
 * or a token source, so it can never face real data.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(DevelopmentTokensConfiguration.DevelopmentMode.class)
class DevelopmentTokensConfiguration {

	private static final Log logger = LogFactory.getLog(DevelopmentTokensConfiguration.class);

	@Bean
	DevelopmentTokens developmentTokens(Environment environment) {
		logger.warn("Development mode (embedded database, no token source): get a token with curl -X POST 'http://localhost:"
				+ environment.getProperty("server.port", "8080") + "/dev/token?sub=alice'");
		return new DevelopmentTokens();
	}

	@Bean
	RouterFunction<ServerResponse> developmentTokenRoutes(DevelopmentTokens tokens) {
		return route().POST("/dev/token", (request) -> {
			String subject = request.queryParam("sub").orElse("");
			if (!Caller.isValidId(subject)) {
				throw new InvalidParameterException("sub", "must be a user id of 1 to 255 characters.");
			}
			return ServerResponse.ok().contentType(MediaType.TEXT_PLAIN).bodyValue(tokens.issue(subject) + "\n");
		}).build();
	}

	static final class DevelopmentMode implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			Environment environment = context.getEnvironment();
			return !StringUtils.hasText(environment.getProperty("todo.database.url"))
					&& !StringUtils.hasText(environment.getProperty("todo.auth.secret"))
					&& !StringUtils.hasText(environment.getProperty("todo.auth.url"))
					&& !StringUtils.hasText(environment.getProperty("todo.auth.jwks-uri"));
		}

	}

}
