package app.todo.web;

import java.net.InetSocketAddress;

import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * The address a request comes from, for limits kept per client: the peer of the connection.
 */
public final class ClientAddress {

	private ClientAddress() {
	}

	public static String of(ServerRequest request) {
		return request.remoteAddress()
			.map(InetSocketAddress::getAddress)
			.map((address) -> address.getHostAddress())
			.orElse("unknown");
	}

}
