package app.todo.web;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.netty.util.NetUtil;
import org.jspecify.annotations.Nullable;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.util.matcher.InetAddressMatcher;
import org.springframework.security.util.matcher.InetAddressMatchers;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * The address a request comes from, for whatever is kept per client (rate limits, failed
 * sign-ins). It is the connection's peer, unless that peer is a trusted proxy
 * ({@code TRUSTED_PROXIES}): then {@code X-Forwarded-For} is read from the right, past
 * the trusted proxies, to the first address that is not one. Anyone can send the header,
 * so it is never believed from a peer that is not trusted.
 */
@Component
public final class ClientAddressResolver {

	private static final String UNKNOWN = "unknown";

	private final List<InetAddressMatcher> trustedProxies;

	ClientAddressResolver(ClientAddressProperties properties) {
		this.trustedProxies = properties.trustedProxies().stream().map(InetAddressMatchers::fromIpAddress).toList();
	}

	/**
	 * A resolver that believes the proxies at these addresses or CIDR ranges, for code
	 * and tests outside Spring's wiring.
	 */
	public static ClientAddressResolver trusting(List<String> trustedProxies) {
		return new ClientAddressResolver(new ClientAddressProperties(trustedProxies));
	}

	/**
	 * The key of what is kept per client: the client's IPv4 address, or the /64 network
	 * of its IPv6 address, since one subscriber commonly gets a whole /64 and could
	 * otherwise take a fresh address, and so a fresh allowance, for every request.
	 */
	public String key(ServerRequest request) {
		return key(request.exchange().getRequest());
	}

	public String key(ServerHttpRequest request) {
		InetAddress client = client(request);
		if (client instanceof Inet6Address && !isIpv4Mapped(client.getAddress())) {
			byte[] network = Arrays.copyOf(client.getAddress(), 16);
			Arrays.fill(network, 8, 16, (byte) 0);
			try {
				return InetAddress.getByAddress(network).getHostAddress() + "/64";
			}
			catch (UnknownHostException ex) {
				throw new IllegalStateException(ex);
			}
		}
		if (client instanceof Inet6Address) {
			byte[] address = client.getAddress();
			return (address[12] & 0xFF) + "." + (address[13] & 0xFF) + "." + (address[14] & 0xFF) + "."
					+ (address[15] & 0xFF);
		}
		return (client != null) ? client.getHostAddress() : UNKNOWN;
	}

	public String resolve(ServerRequest request) {
		return resolve(request.exchange().getRequest());
	}

	public String resolve(ServerHttpRequest request) {
		InetAddress client = client(request);
		return (client != null) ? client.getHostAddress() : UNKNOWN;
	}

	private @Nullable InetAddress client(ServerHttpRequest request) {
		InetSocketAddress remote = request.getRemoteAddress();
		InetAddress peer = (remote != null) ? remote.getAddress() : null;
		if (peer == null || !isTrusted(peer)) {
			return peer;
		}
		InetAddress client = peer;
		List<String> hops = forwardedFor(request);
		for (int i = hops.size() - 1; i >= 0; i--) {
			InetAddress hop = parse(hops.get(i));
			if (hop == null) {
				// Garbage a client put there; the last trusted hop is all that is known
				break;
			}
			client = hop;
			if (!isTrusted(hop)) {
				break;
			}
		}
		return client;
	}

	/**
	 * {@code ::ffff:a.b.c.d}: an IPv4 client of a dual-stack socket, keyed by its IPv4
	 * address.
	 */
	private static boolean isIpv4Mapped(byte[] address) {
		for (int i = 0; i < 10; i++) {
			if (address[i] != 0) {
				return false;
			}
		}
		return address[10] == (byte) 0xFF && address[11] == (byte) 0xFF;
	}

	private boolean isTrusted(InetAddress address) {
		for (InetAddressMatcher proxy : this.trustedProxies) {
			if (proxy.matches(address)) {
				return true;
			}
		}
		return false;
	}

	private static List<String> forwardedFor(ServerHttpRequest request) {
		List<String> hops = new ArrayList<>();
		for (String header : request.getHeaders().getOrEmpty("X-Forwarded-For")) {
			for (String hop : header.split(",")) {
				hops.add(hop.strip());
			}
		}
		return hops;
	}

	/** An IP literal, never a host name to look up. */
	private static @Nullable InetAddress parse(String hop) {
		String address = (hop.startsWith("[") && hop.endsWith("]")) ? hop.substring(1, hop.length() - 1) : hop;
		return NetUtil.createInetAddressFromIpAddressString(address);
	}

}
