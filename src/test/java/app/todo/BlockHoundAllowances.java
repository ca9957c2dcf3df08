package app.todo;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * What BlockHound flags but never blocks. r2dbc-postgresql builds each TLS connection's
 * {@code SSLContext} on the event loop, which seeds from {@code /dev/urandom}: a read
 * that returns at once once the kernel is seeded, so not the blocking I/O the rule is
 * about.
 */
public final class BlockHoundAllowances implements BlockHoundIntegration {

	@Override
	public void applyTo(BlockHound.Builder builder) {
		builder.allowBlockingCallsInside("sun.security.provider.NativePRNG$RandomIO", "implNextBytes");
	}

}
