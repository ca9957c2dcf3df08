package app.todo.account;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.jwk.OctetKeyPair;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import app.todo.ApiTestSupport;
import app.todo.InvalidConfigurationException;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The signing key: one per database however many replicas start at once, the same after a
 * restart, or the one given in {@code ACCOUNTS_SIGNING_KEY}.
 */
class SigningKeysTests extends ApiTestSupport {

	@Autowired
	private DatabaseClient db;

	@Autowired
	private AccountTokens tokens;

	@Test
	void loadOrCreateWhenEightReplicasStartAtOnceThenAllUseOneKey() {
		String purpose = "test-" + UUID.randomUUID();
		List<String> keyIds = Flux.range(0, 8)
			.flatMap((i) -> new SigningKeys(this.db).loadOrCreate(purpose).subscribeOn(Schedulers.boundedElastic()))
			.map(OctetKeyPair::getKeyID)
			.collectList()
			.block(Duration.ofSeconds(60));
		assertThat(keyIds).hasSize(8);
		assertThat(keyIds.stream().distinct()).hasSize(1);
	}

	/** What a second application context on the same database does at start-up. */
	@Test
	void loadOrCreateWhenTheKeyExistsThenTheRunningApplicationsKey() {
		OctetKeyPair again = new SigningKeys(this.db).loadOrCreate(SigningKeys.PURPOSE).block(Duration.ofSeconds(30));
		assertThat(again.getKeyID()).isEqualTo(this.tokens.publicKeys().getKeys().get(0).getKeyID());
		assertThat(again.toPublicJWK()).isEqualTo(this.tokens.publicKeys().getKeys().get(0));
	}

	@Test
	void descriptionForTheStartupLineNamesTheAccountsAndTheirKey() {
		assertThat(this.tokens.description()).contains("built-in accounts", "kept in the database",
				this.tokens.publicKeys().getKeys().get(0).getKeyID());
	}

	@Test
	void parseConfiguredWhenPrivateJwkOrPemThenTheSameKey() throws Exception {
		OctetKeyPair generated = SigningKeys.generate();
		OctetKeyPair fromJwk = SigningKeys.parseConfigured(generated.toJSONString());
		assertThat(fromJwk.getKeyID()).isEqualTo(generated.getKeyID());
		// PKCS#8 as openssl genpkey -algorithm ed25519 writes it
		byte[] prefix = { 0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
				0x20 };
		byte[] seed = generated.getDecodedD();
		byte[] der = new byte[prefix.length + seed.length];
		System.arraycopy(prefix, 0, der, 0, prefix.length);
		System.arraycopy(seed, 0, der, prefix.length, seed.length);
		String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(der)
				+ "\n-----END PRIVATE KEY-----\n";
		OctetKeyPair fromPem = SigningKeys.parseConfigured(pem);
		assertThat(fromPem.getKeyID()).isEqualTo(generated.getKeyID());
		assertThat(fromPem.getX()).isEqualTo(generated.getX());
	}

	@Test
	void parseConfiguredWhenPublicKeyOrGarbageThenFailsWithoutEchoingIt() throws Exception {
		String publicOnly = SigningKeys.generate().toPublicJWK().toJSONString();
		for (String value : List.of(publicOnly, "not a key",
				"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----")) {
			assertThatExceptionOfType(InvalidConfigurationException.class)
				.isThrownBy(() -> SigningKeys.parseConfigured(value))
				.satisfies((ex) -> assertThat(ex.getMessage() + ex.getAction()).contains("ACCOUNTS_SIGNING_KEY")
					.doesNotContain(value));
		}
	}

}
