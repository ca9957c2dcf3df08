package app.todo.ratelimit;

import app.todo.InvalidConfigurationException;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Token buckets: each request takes a token, a bucket holds {@code burst} tokens and gets
 * {@code rate} back every second.
 *
 * @param enabled {@code RATE_LIMIT_ENABLED}; off for benchmarks
 * @param userRate {@code RATE_LIMIT_USER_RATE}: requests per second a signed-in user
 * keeps up
 * @param userBurst {@code RATE_LIMIT_USER_BURST}: requests a signed-in user may send at
 * once
 * @param addressRate {@code RATE_LIMIT_ADDRESS_RATE}: requests per second from one
 * address without a valid token
 * @param addressBurst {@code RATE_LIMIT_ADDRESS_BURST}: requests at once from one address
 * without a valid token
 * @param maxClients {@code RATE_LIMIT_MAX_CLIENTS}: buckets kept per kind; the least
 * recently used are forgotten beyond it
 */
@ConfigurationProperties("todo.rate-limit")
record RateLimitProperties(@DefaultValue("true") boolean enabled, @DefaultValue("20") int userRate,
		@DefaultValue("100") int userBurst, @DefaultValue("10") int addressRate, @DefaultValue("100") int addressBurst,
		@DefaultValue("100000") int maxClients) {

	private static final int MAX = 1_000_000;

	RateLimitProperties {
		check("RATE_LIMIT_USER_RATE", userRate);
		check("RATE_LIMIT_USER_BURST", userBurst);
		check("RATE_LIMIT_ADDRESS_RATE", addressRate);
		check("RATE_LIMIT_ADDRESS_BURST", addressBurst);
		check("RATE_LIMIT_MAX_CLIENTS", maxClients);
	}

	private static void check(String variable, int value) {
		if (value < 1 || value > MAX) {
			throw new InvalidConfigurationException(
					variable + " must be a whole number from 1 to " + MAX + ", not " + value + ".",
					"Set " + variable + " within range, or RATE_LIMIT_ENABLED=false to turn the limits off.");
		}
	}

}
