package app.todo.web;

import java.util.List;

import io.netty.util.NetUtil;

import app.todo.InvalidConfigurationException;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param trustedProxies addresses or CIDR ranges of the proxies whose
 * {@code X-Forwarded-For} is believed ({@code TRUSTED_PROXIES}, comma-separated), such as
 * {@code 10.0.0.0/8}
 */
@ConfigurationProperties("todo.client-address")
record ClientAddressProperties(@DefaultValue List<String> trustedProxies) {

	ClientAddressProperties {
		trustedProxies = trustedProxies.stream().map(String::strip).filter((proxy) -> !proxy.isEmpty()).toList();
		trustedProxies.forEach(ClientAddressProperties::check);
	}

	private static void check(String proxy) {
		int slash = proxy.indexOf('/');
		String address = (slash < 0) ? proxy : proxy.substring(0, slash);
		String bits = (slash < 0) ? "0" : proxy.substring(slash + 1);
		int maxBits = NetUtil.isValidIpV4Address(address) ? 32 : NetUtil.isValidIpV6Address(address) ? 128 : -1;
		if (maxBits < 0 || !bits.matches("\\d{1,3}") || Integer.parseInt(bits) > maxBits) {
			throw new InvalidConfigurationException(
					"TRUSTED_PROXIES has an entry that is not an IP address or range: '" + proxy + "'.",
					"List the balancers' addresses or CIDR ranges, such as 10.0.0.0/8,192.168.1.7");
		}
	}

}
