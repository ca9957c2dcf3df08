package app.todo.security.jwt;

import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The public keys published at a JWKS URL. Fetched at start-up (readiness waits for it),
 * then again in the background every refresh interval, never on the path of a token whose
 * key is known. A token whose {@code kid} is unknown joins the fetch in flight or starts
 * one, at most once per cool-down, so a rotated key is picked up without a restart while
 * a flood of made-up key ids costs the identity provider nothing. The last good keys keep
 * working while the provider is down or slow.
 */
final class RemoteJwkSet implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(RemoteJwkSet.class);

	static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);

	private final WebClient webClient;

	private final URI uri;

	private final Duration refreshInterval;

	private final Duration refetchCooldown;

	private volatile @Nullable Keys current;

	private final AtomicReference<@Nullable Mono<Keys>> inFlight = new AtomicReference<>();

	private final AtomicLong lastFetchNanos;

	private volatile @Nullable Disposable schedule;

	private final Counter fetchFailures;

	RemoteJwkSet(WebClient webClient, URI uri, Duration refreshInterval, Duration refetchCooldown,
			MeterRegistry meters) {
		this.webClient = webClient;
		this.fetchFailures = Counter.builder("todo.jwks.fetch.failures")
			.description("Fetches of the JWK set that failed (unreachable, slow, not a JWK set)")
			.register(meters);
		this.uri = uri;
		this.refreshInterval = refreshInterval;
		this.refetchCooldown = refetchCooldown;
		this.lastFetchNanos = new AtomicLong(System.nanoTime() - refetchCooldown.toNanos() - 1);
	}

	URI uri() {
		return this.uri;
	}

	/** Whether keys have been fetched at least once: readiness. */
	boolean isLoaded() {
		return this.current != null;
	}

	Mono<List<JWSVerifier>> verifiersFor(JWSHeader header) {
		JWKMatcher matcher = JWKMatcher.forJWSHeader(header);
		if (matcher == null) {
			return Mono.error(new BadJwtException("The token's algorithm is not accepted"));
		}
		Keys keys = this.current;
		if (keys != null) {
			List<JWSVerifier> verifiers = keys.select(matcher);
			// Only a key id never seen may be a rotated key: a known kid with the wrong
			// algorithm,
			// or no kid at all, is refused without asking the identity provider again
			if (!verifiers.isEmpty() || header.getKeyID() == null || keys.keyIds().contains(header.getKeyID())) {
				return Mono.just(verifiers);
			}
		}
		Mono<Keys> running = this.inFlight.get();
		if (running == null) {
			if (!claimRefetch()) {
				return Mono.just(List.of());
			}
			running = fetch();
		}
		return running.map((fresh) -> fresh.select(matcher))
			.onErrorMap((ex) -> !(ex instanceof BadJwtException),
					(ex) -> new BadJwtException("No key to verify the token", ex));
	}

	/**
	 * One refetch per cool-down, however many tokens with unknown keys arrive at once.
	 */
	private boolean claimRefetch() {
		long last = this.lastFetchNanos.get();
		long now = System.nanoTime();
		return now - last >= this.refetchCooldown.toNanos() && this.lastFetchNanos.compareAndSet(last, now);
	}

	/**
	 * The fetch in flight, or a new one; either way the keys it ends with (the last good
	 * ones on failure).
	 */
	Mono<Keys> fetch() {
		Sinks.One<Keys> sink = Sinks.one();
		Mono<Keys> mine = sink.asMono();
		if (!this.inFlight.compareAndSet(null, mine)) {
			Mono<Keys> other = this.inFlight.get();
			return (other != null) ? other : Mono.justOrEmpty(this.current);
		}
		this.lastFetchNanos.set(System.nanoTime());
		this.webClient.get()
			.uri(this.uri)
			.accept(MediaType.APPLICATION_JSON)
			.retrieve()
			.bodyToMono(String.class)
			.timeout(FETCH_TIMEOUT)
			.map(Keys::parse)
			.subscribe((keys) -> {
				Keys previous = this.current;
				this.current = keys;
				if (previous == null || !previous.keyIds().equals(keys.keyIds())) {
					logger.info("JWK set at " + this.uri + " has key ids " + keys.keyIds());
				}
				this.inFlight.set(null);
				sink.tryEmitValue(keys);
			}, (ex) -> {
				Keys last = this.current;
				this.fetchFailures.increment();
				logger.warn("Could not fetch the JWK set from " + this.uri + ": " + ex.getMessage()
						+ ((last != null) ? " (keeping the keys of the last fetch)" : ""));
				this.inFlight.set(null);
				if (last != null) {
					sink.tryEmitValue(last);
				}
				else {
					sink.tryEmitError(new JwtException("The JWK set is unavailable", ex));
				}
			});
		return mine;
	}

	/**
	 * Fetches now, then every refresh interval; retries at the cool-down while fetches
	 * fail.
	 */
	@Override
	public void start() {
		fetch().subscribe((keys) -> {
		}, (ex) -> {
		});
		Duration tick = (this.refetchCooldown.compareTo(this.refreshInterval) < 0) ? this.refetchCooldown
				: this.refreshInterval;
		this.schedule = Flux.interval(tick, tick, Schedulers.parallel()).onBackpressureDrop().subscribe((ignored) -> {
			Keys keys = this.current;
			boolean due = (keys == null) ? claimRefetch() : keys.isOlderThan(this.refreshInterval) && claimRefetch();
			if (due && this.inFlight.get() == null) {
				fetch().subscribe((fresh) -> {
				}, (ex) -> {
				});
			}
		});
	}

	@Override
	public void stop() {
		Disposable scheduled = this.schedule;
		if (scheduled != null) {
			scheduled.dispose();
			this.schedule = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.schedule != null;
	}

	private record Entry(JWK key, JWSVerifier verifier) {
	}

	record Keys(List<Entry> entries, Set<String> keyIds, long fetchedAtNanos) {

		static Keys parse(String json) {
			JWKSet set;
			try {
				set = JWKSet.parse(json);
			}
			catch (ParseException ex) {
				throw new JwtException("The JWK set is malformed", ex);
			}
			List<Entry> entries = new ArrayList<>();
			for (JWK key : set.getKeys()) {
				if (KeyUse.ENCRYPTION.equals(key.getKeyUse())) {
					continue;
				}
				try {
					JWK publicKey = key.toPublicJWK();
					entries.add(new Entry(publicKey, verifier(publicKey)));
				}
				catch (JOSEException ex) {
					logger.debug("Skipping JWK " + key.getKeyID() + ": " + ex.getMessage());
				}
			}
			Set<String> keyIds = new TreeSet<>();
			entries.forEach((entry) -> {
				if (entry.key().getKeyID() != null) {
					keyIds.add(entry.key().getKeyID());
				}
			});
			return new Keys(List.copyOf(entries), Collections.unmodifiableSet(keyIds), System.nanoTime());
		}

		private static JWSVerifier verifier(JWK key) throws JOSEException {
			if (key instanceof OctetKeyPair okp) {
				return new Ed25519Verifier(okp);
			}
			if (key instanceof ECKey ec) {
				return new ECDSAVerifier(ec);
			}
			if (key instanceof RSAKey rsa) {
				return new RSASSAVerifier(rsa);
			}
			throw new JOSEException("Unsupported key type " + key.getKeyType());
		}

		List<JWSVerifier> select(JWKMatcher matcher) {
			return this.entries.stream().filter((entry) -> matcher.matches(entry.key())).map(Entry::verifier).toList();
		}

		boolean isOlderThan(Duration age) {
			return System.nanoTime() - this.fetchedAtNanos > age.toNanos();
		}

	}

}
