package app.todo.ratelimit;

import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;

import app.todo.web.ClientAddressResolver;
import app.todo.web.ProbePaths;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;

/**
 * Request rate limits, for the security filter chain to apply: per user (the token's
 * subject) once a token is verified, per client address for requests without a valid
 * token. The probes ({@link ProbePaths}) are never limited. Buckets live in this
 * instance's memory, so behind a balancer that spreads requests over N replicas a client
 * gets N times the configured rate.
 */
@Component
public final class RateLimits {

	private final boolean enabled;

	private final TokenBuckets users;

	private final TokenBuckets addresses;

	private final ClientAddressResolver clientAddresses;

	RateLimits(RateLimitProperties properties, ClientAddressResolver clientAddresses, MeterRegistry meters) {
		this.enabled = properties.enabled();
		this.users = new TokenBuckets("user", properties.userRate(), properties.userBurst(), properties.maxClients(),
				meters);
		this.addresses = new TokenBuckets("address", properties.addressRate(), properties.addressBurst(),
				properties.maxClients(), meters);
		this.clientAddresses = clientAddresses;
	}

	/**
	 * The filter to place after authentication: it sees the verified user, or none.
	 */
	public WebFilter filter() {
		return (exchange, chain) -> {
			if (!this.enabled || isProbe(exchange)) {
				return chain.filter(exchange);
			}
			return ReactiveSecurityContextHolder.getContext()
				.map(SecurityContext::getAuthentication)
				.filter(RateLimits::isUser)
				.map((user) -> this.users.consume(user.getName()))
				.switchIfEmpty(Mono
					.fromSupplier(() -> this.addresses.consume(this.clientAddresses.key(exchange.getRequest()))))
				.flatMap((result) -> {
					if (!result.allowed()) {
						return Mono.error(result.toException());
					}
					exchange.getResponse().getHeaders().addAll(result.headers());
					return chain.filter(exchange);
				});
		};
	}

	/**
	 * Wraps the entry point of rejected tokens, which the filter never sees, so that a
	 * client sending bad tokens is limited by its address too.
	 */
	public ServerAuthenticationEntryPoint rejectedTokens(ServerAuthenticationEntryPoint entryPoint) {
		return (exchange, ex) -> {
			if (!this.enabled || isProbe(exchange)) {
				return entryPoint.commence(exchange, ex);
			}
			TokenBuckets.Result result = this.addresses.consume(this.clientAddresses.key(exchange.getRequest()));
			if (!result.allowed()) {
				return Mono.error(result.toException());
			}
			exchange.getResponse().getHeaders().addAll(result.headers());
			return entryPoint.commence(exchange, ex);
		};
	}

	private static boolean isUser(Authentication authentication) {
		return authentication.isAuthenticated() && !(authentication instanceof AnonymousAuthenticationToken);
	}

	private static boolean isProbe(ServerWebExchange exchange) {
		return ProbePaths.isProbe(exchange.getRequest().getPath().pathWithinApplication().value());
	}

}
