package app.todo.openapi;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI 3.1 document at {@code /v3/api-docs} and its UI at {@code /docs}, both
 * public. The routes are documented by each feature with {@link ApiDocs}; this is what
 * they share.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

	@Bean
	OpenAPI openApi(ObjectProvider<BuildProperties> build) {
		String version = build.stream().map(BuildProperties::getVersion).findFirst().orElse("development");
		return new OpenAPI().addServersItem(new Server().url("/").description("Where this document is served"))
			.info(new Info().title("Todo API").version(version).description("""
					Each signed-in user's tasks. Every route under `/api/` needs `Authorization: Bearer <JWT>`; \
					the user is the token's `sub`. Members are `snake_case`, timestamps RFC 3339 in UTC. Every \
					route of the tasks also exists as `/api/{user_id}/tasks...`, where `{user_id}` must be the \
					caller. Errors are RFC 9457 problem details (`application/problem+json`)."""))
			.components(new Components().addSecuritySchemes(ApiDocs.BEARER,
					new SecurityScheme().type(SecurityScheme.Type.HTTP)
						.scheme("bearer")
						.bearerFormat("JWT")
						.description("A JWT whose `sub` is the user: HS256 with the shared secret, or signed "
								+ "by a key of the configured JWKS.")));
	}

}
