package app.todo.web;

import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import app.todo.InvalidConfigurationException;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code X-Forwarded-For} is anyone's to write: only a trusted proxy's word counts, and
 * only for the hops it and other trusted proxies added.
 */
class ClientAddressResolverTests {

	private final ClientAddressResolver resolver = resolver("10.0.0.0/8", "192.168.1.7", "fd00::/8");

	@Test
	void resolveWhenNoProxyIsTrustedThenPeerEvenWithForwardedFor() {
		ClientAddressResolver untrusting = resolver();
		assertThat(untrusting.resolve(request("10.1.2.3", "203.0.113.9"))).isEqualTo("10.1.2.3");
	}

	@Test
	void resolveWhenPeerIsNotTrustedThenForwardedForIsIgnored() {
		assertThat(this.resolver.resolve(request("198.51.100.4", "203.0.113.9"))).isEqualTo("198.51.100.4");
	}

	@Test
	void resolveWhenPeerIsTrustedThenTheAddressItSaw() {
		assertThat(this.resolver.resolve(request("10.1.2.3", "203.0.113.9"))).isEqualTo("203.0.113.9");
		assertThat(this.resolver.resolve(request("192.168.1.7", "203.0.113.9"))).isEqualTo("203.0.113.9");
	}

	@Test
	void resolveWhenClientSentItsOwnForwardedForThenTheRightmostUntrustedHop() {
		// The client wrote "1.2.3.4, 10.9.9.9"; the trusted balancer appended the address
		// it saw
		assertThat(this.resolver.resolve(request("10.1.2.3", "1.2.3.4, 10.9.9.9, 203.0.113.9")))
			.isEqualTo("203.0.113.9");
	}

	@Test
	void resolveWhenTwoTrustedProxiesThenSkipsBoth() {
		assertThat(this.resolver.resolve(request("10.1.2.3", "1.2.3.4, 203.0.113.9, 10.0.0.2")))
			.isEqualTo("203.0.113.9");
		assertThat(this.resolver.resolve(request("10.1.2.3", "1.2.3.4, 203.0.113.9", "10.0.0.2")))
			.isEqualTo("203.0.113.9");
	}

	@Test
	void resolveWhenEveryHopIsTrustedThenTheLeftmost() {
		assertThat(this.resolver.resolve(request("10.1.2.3", "10.0.0.7, 10.0.0.2"))).isEqualTo("10.0.0.7");
	}

	@Test
	void resolveWhenHopIsNotAnAddressThenTheLastTrustedHop() {
		assertThat(this.resolver.resolve(request("10.1.2.3", "203.0.113.9, evil.example.com"))).isEqualTo("10.1.2.3");
		assertThat(this.resolver.resolve(request("10.1.2.3", "unknown, 10.0.0.2"))).isEqualTo("10.0.0.2");
		assertThat(this.resolver.resolve(request("10.1.2.3", ""))).isEqualTo("10.1.2.3");
	}

	@Test
	void resolveWhenNoForwardedForThenPeer() {
		assertThat(this.resolver.resolve(request("10.1.2.3"))).isEqualTo("10.1.2.3");
	}

	@Test
	void resolveWhenIpv6ThenNormalised() {
		assertThat(this.resolver.resolve(request("fd00::1", "[2001:db8:0:0::1]"))).isEqualTo("2001:db8:0:0:0:0:0:1");
		assertThat(this.resolver.resolve(request("2001:db8::5", "203.0.113.9"))).isEqualTo("2001:db8:0:0:0:0:0:5");
	}

	@Test
	void keyWhenIpv6ThenItsSlash64AndWhenIpv4ThenTheAddress() {
		assertThat(this.resolver.key(request("2001:db8:1:2:3:4:5:6"))).isEqualTo("2001:db8:1:2:0:0:0:0/64");
		assertThat(this.resolver.key(request("2001:db8:1:2:ffff::9"))).isEqualTo("2001:db8:1:2:0:0:0:0/64");
		assertThat(this.resolver.key(request("fd00::1", "2001:db8:9::1"))).isEqualTo("2001:db8:9:0:0:0:0:0/64");
		assertThat(this.resolver.key(request("203.0.113.9"))).isEqualTo("203.0.113.9");
		assertThat(this.resolver.key(request("10.0.0.1", "::ffff:198.51.100.4"))).isEqualTo("198.51.100.4");
	}

	@Test
	void resolveWhenNoRemoteAddressThenUnknown() {
		assertThat(this.resolver.resolve(MockServerHttpRequest.get("/").build())).isEqualTo("unknown");
	}

	@ParameterizedTest
	@ValueSource(strings = { "proxy.internal", "10.0.0.0/33", "10.0.0.0/x", "fd00::/129", "10.0.0", "*" })
	void trustedProxiesWhenNotAnAddressOrRangeThenInvalid(String proxy) {
		assertThatExceptionOfType(InvalidConfigurationException.class).isThrownBy(() -> resolver("10.0.0.1", proxy))
			.withMessageStartingWith(
					"TRUSTED_PROXIES has an entry that is not an IP address or range: '" + proxy + "'");
	}

	@Test
	void trustedProxiesWhenBlankEntriesThenIgnored() {
		assertThat(new ClientAddressProperties(List.of(" 10.0.0.1 ", "", " ")).trustedProxies())
			.containsExactly("10.0.0.1");
	}

	private static ClientAddressResolver resolver(String... trustedProxies) {
		return new ClientAddressResolver(new ClientAddressProperties(List.of(trustedProxies)));
	}

	private static MockServerHttpRequest request(String peer, String... forwardedFor) {
		MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("/api/tasks")
			.remoteAddress(new InetSocketAddress(peer, 40000));
		if (forwardedFor.length > 0) {
			request.header("X-Forwarded-For", forwardedFor);
		}
		return request.build();
	}

}
