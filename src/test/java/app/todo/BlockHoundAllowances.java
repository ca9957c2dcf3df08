package app.todo;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * What BlockHound flags but never blocks. r2dbc-postgresql builds each TLS connection's
 * {@code SSLContext} on the event loop, which seeds from {@code /dev/urandom}: a read
 * that returns at once once the kernel is seeded, so not the blocking I/O the rule is
 * about. Netty 4.2's adaptive buffer allocator, when many connections read at once, takes
 * a short lock of its own to add a buffer magazine (a park on that lock failed a test's
 * connection once, under load).
 */
public final class BlockHoundAllowances implements BlockHoundIntegration {

	@Override
	public void applyTo(BlockHound.Builder builder) {
		builder.allowBlockingCallsInside("sun.security.provider.NativePRNG$RandomIO", "implNextBytes");
		builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup",
				"tryExpandMagazines");
	}

}
