package app.todo.user;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import app.todo.security.Caller;

import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Keeps each signed-in user's row, with the email and name their token carries, current.
 * One upsert ({@link UserRepository#saveProfile}) when this instance has not seen the
 * same (user, email, name) in the last {@link #REMEMBER_FOR}, not a write per request. A
 * failed write never fails the request: the row catches up later.
 */
@Component
class UserProfileFilter implements WebFilter, Ordered {

	private static final Log logger = LogFactory.getLog(UserProfileFilter.class);

	static final Duration REMEMBER_FOR = Duration.ofMinutes(10);

	private final UserRepository users;

	private final Cache<Caller, Boolean> seen = Caffeine.newBuilder()
		.maximumSize(50_000)
		.expireAfterWrite(REMEMBER_FOR)
		.build();

	UserProfileFilter(UserRepository users) {
		this.users = users;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		return Caller.ifSignedIn(exchange)
			.filter((caller) -> this.seen.getIfPresent(caller) == null)
			.flatMap(this::save)
			.then(chain.filter(exchange));
	}

	private Mono<Void> save(Caller caller) {
		return this.users.saveProfile(caller)
			.doOnSuccess((rows) -> this.seen.put(caller, Boolean.TRUE))
			.then()
			// handle(), as Reactor restores the request's MDC for it alone
			.onErrorResume((ex) -> Mono.just(ex).handle((failure, sink) -> {
				logger.warn("Could not save a user's profile: " + failure.getMessage());
				sink.complete();
			}));
	}

	/** After the security chain, which puts the principal on the exchange. */
	@Override
	public int getOrder() {
		return 0;
	}

}
