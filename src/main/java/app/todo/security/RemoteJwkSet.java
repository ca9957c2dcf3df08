package app.todo.security;

import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.MediaType;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The public keys published at a JWKS URL, fetched without blocking and cached. A token
 * whose {@code kid} is unknown triggers one refetch, at most once per {@link #REFRESH_COOLDOWN},
 * so a rotated key is picked up without a restart while a flood of made-up key ids costs the
 * identity provider nothing.
 */
final class RemoteJwkSet {

	private static final Log logger = LogFactory.getLog(RemoteJwkSet.class);

	static final Duration MAX_AGE = Duration.ofMinutes(5);

	static final Duration REFRESH_COOLDOWN = Duration.ofSeconds(10);

	private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);

	private static final Duration FAILED_FETCH_RETRY = Duration.ofSeconds(2);

	private final WebClient webClient;

	private final URI uri;

	private final AtomicReference<Mono<Keys>> keys = new AtomicReference<>();

	private volatile @Nullable Keys lastGood;

	RemoteJwkSet(WebClient webClient, URI uri) {
		this.webClient = webClient;
		this.uri = uri;
		this.keys.set(fetch());
	}

	Mono<List<JWSVerifier>> verifiersFor(JWSHeader header) {
		JWKMatcher matcher = JWKMatcher.forJWSHeader(header);
		if (matcher == null) {
			return Mono.error(new BadJwtException("The token's algorithm is not accepted"));
		}
		Mono<Keys> current = this.keys.get();
		return current.flatMap((keys) -> {
			List<JWSVerifier> verifiers = keys.select(matcher);
			if (!verifiers.isEmpty() || !keys.isOlderThan(REFRESH_COOLDOWN)) {
				return Mono.just(verifiers);
			}
			Mono<Keys> refreshed = fetch();
			Mono<Keys> next = this.keys.compareAndSet(current, refreshed) ? refreshed : this.keys.get();
			return next.map((fresh) -> fresh.select(matcher));
		});
	}

	private Mono<Keys> fetch() {
		return this.webClient.get()
			.uri(this.uri)
			.accept(MediaType.APPLICATION_JSON)
			.retrieve()
			.bodyToMono(String.class)
			.timeout(FETCH_TIMEOUT)
			.map(Keys::parse)
			.doOnNext((keys) -> this.lastGood = keys)
			.onErrorResume((ex) -> {
				logger.warn("Could not fetch the JWK set from " + this.uri + ": " + ex.getMessage());
				// Keys that verified tokens a moment ago still do while the provider is away
				Keys last = this.lastGood;
				return (last != null) ? Mono.just(last) : Mono.error(new JwtException("The JWK set is unavailable", ex));
			})
			.cache((keys) -> keys.isOlderThan(MAX_AGE) ? REFRESH_COOLDOWN : MAX_AGE, (ex) -> FAILED_FETCH_RETRY,
					() -> Duration.ZERO);
	}

	private record Entry(JWK key, JWSVerifier verifier) {
	}

	private record Keys(List<Entry> entries, long fetchedAtNanos) {

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
			return new Keys(List.copyOf(entries), System.nanoTime());
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
