package app.todo.security;

import java.time.Duration;
import java.util.List;

import reactor.core.publisher.Mono;

import app.todo.ratelimit.RateLimits;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.PathContainer;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsConfigurationSource;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Every {@code /api/} route but signing up and in needs a valid bearer token; everything
 * else is public (health probes, the JWKS) or unknown (404). Stateless: no session, no
 * CSRF token, no saved request.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
class SecurityConfiguration {

	@Bean
	SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, ReactiveJwtDecoder jwtDecoder,
			RateLimits rateLimits) {
		return http.authorizeExchange((exchanges) -> exchanges
			// Signing up and in is how a caller gets a token (built-in accounts); refresh
			// and sign-out take the refresh cookie instead
			.pathMatchers("/api/auth/sign-up", "/api/auth/sign-in", "/api/auth/refresh", "/api/auth/sign-out")
			.permitAll()
			// With a bearer token, or with a one-time ticket that the route checks
			// (EventSource)
			.pathMatchers(HttpMethod.GET, "/api/events")
			.permitAll()
			.pathMatchers(HttpMethod.HEAD, "/api/events")
			.permitAll()
			.pathMatchers("/api/**")
			.authenticated()
			.anyExchange()
			.permitAll())
			.oauth2ResourceServer((resourceServer) -> resourceServer.jwt((jwt) -> jwt.jwtDecoder(jwtDecoder))
				.authenticationEntryPoint(rateLimits.rejectedTokens(SecurityConfiguration::unauthorized)))
			// After authentication, so that a request with a valid token counts against
			// its user
			.addFilterAfter(rateLimits.filter(), SecurityWebFiltersOrder.AUTHENTICATION)
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(SecurityConfiguration::unauthorized))
			.cors(Customizer.withDefaults())
			.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			// permitAll needs no authentication, and a missing one is a 401 where it is
			// required:
			// an anonymous token would be one more filter and object per request for
			// nothing
			.anonymous(ServerHttpSecurity.AnonymousSpec::disable)
			.requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
			.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
			.build();
	}

	/**
	 * No observations of the chain, its filters, authentication or authorization: each
	 * would be a timer and a span per request, on top of the request's own, which already
	 * times and traces every answer, the 401s and 403s included.
	 */
	@Bean
	SecurityObservationSettings securityObservationSettings() {
		return SecurityObservationSettings.noObservations();
	}

	/**
	 * Hands the 401 to the application's problem-details handler, with the
	 * {@code WWW-Authenticate} challenge of RFC 6750.
	 */
	private static Mono<Void> unauthorized(ServerWebExchange exchange, AuthenticationException ex) {
		return Mono.error(new BearerTokenException(ex));
	}

	/**
	 * Spring Security's firewall still turns away encoded slashes, dot segments and the
	 * like, now as a problem; methods are left to the routes, which answer {@code 405}
	 * with Allow.
	 */
	@Bean
	ServerWebExchangeFirewall serverWebExchangeFirewall() {
		StrictServerWebExchangeFirewall firewall = new StrictServerWebExchangeFirewall();
		firewall.setUnsafeAllowAnyHttpMethod(true);
		return firewall;
	}

	@Bean
	ServerExchangeRejectedHandler serverExchangeRejectedHandler() {
		return (exchange, ex) -> Mono.error(
				new ResponseStatusException(HttpStatus.BAD_REQUEST, "The request's path or headers are not allowed."));
	}

	/**
	 * The allowed origins may call every {@code /api/} route without credentials (bearer
	 * tokens need none). The exact origins among them (no pattern, no {@code *}) may also
	 * call {@code /api/auth/} with credentials, so that a SPA of such an origin can send
	 * the refresh cookie there.
	 */
	@Bean
	CorsConfigurationSource corsConfigurationSource(CorsProperties properties) {
		if (properties.allowedOrigins().isEmpty()) {
			return (exchange) -> null;
		}
		CorsConfiguration configuration = new CorsConfiguration();
		// Patterns, so that https://*.example.com and http://localhost:[*] work; an exact
		// origin is a pattern that matches itself
		configuration.setAllowedOriginPatterns(properties.allowedOrigins());
		configuration.setAllowedMethods(List.of(HttpMethod.GET.name(), HttpMethod.POST.name(), HttpMethod.PUT.name(),
				HttpMethod.PATCH.name(), HttpMethod.DELETE.name()));
		configuration.setAllowedHeaders(List.of(HttpHeaders.AUTHORIZATION, HttpHeaders.CONTENT_TYPE,
				HttpHeaders.IF_MATCH, HttpHeaders.IF_NONE_MATCH, "Idempotency-Key", "Last-Event-ID", "traceparent",
				"X-Request-Id", "X-Requested-With"));
		configuration.setExposedHeaders(List.of(HttpHeaders.LOCATION, HttpHeaders.LINK, HttpHeaders.ETAG,
				HttpHeaders.RETRY_AFTER, HttpHeaders.WWW_AUTHENTICATE, HttpHeaders.CONTENT_DISPOSITION, "Sync-Token",
				"Idempotent-Replayed", "RateLimit", "RateLimit-Policy", "X-Request-Id", "X-Trace-Id"));
		// Bearer tokens, not cookies: browsers need no credentials mode
		configuration.setAllowCredentials(false);
		configuration.setMaxAge(Duration.ofHours(1));
		List<String> exact = properties.allowedOrigins().stream().filter((origin) -> origin.indexOf('*') < 0).toList();
		CorsConfiguration withCredentials = null;
		if (!exact.isEmpty()) {
			withCredentials = new CorsConfiguration(configuration);
			withCredentials.setAllowedOriginPatterns(null);
			withCredentials.setAllowedOrigins(exact);
			withCredentials.setAllowCredentials(true);
		}
		CorsConfiguration credentialed = withCredentials;
		PathPattern api = PathPatternParser.defaultInstance.parse("/api/**");
		PathPattern auth = PathPatternParser.defaultInstance.parse("/api/auth/**");
		return (exchange) -> {
			PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
			if (!api.matches(path)) {
				return null;
			}
			String origin = exchange.getRequest().getHeaders().getOrigin();
			if (credentialed != null && origin != null && auth.matches(path)
					&& credentialed.checkOrigin(origin) != null) {
				return credentialed;
			}
			return configuration;
		};
	}

	private static final class BearerTokenException extends ErrorResponseException {

		BearerTokenException(AuthenticationException cause) {
			super(HttpStatus.UNAUTHORIZED, cause);
			if (cause instanceof OAuth2AuthenticationException oauth2) {
				String code = oauth2.getError().getErrorCode();
				getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"" + code + "\"");
				getBody().setDetail("invalid_request".equals(code) ? "The Authorization header is malformed."
						: "The bearer token is invalid or has expired.");
			}
			else {
				getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
				getBody().setDetail("A bearer token is required.");
			}
		}

	}

}
