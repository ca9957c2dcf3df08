import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live-updates benchmark's client, in one process: event streams held without a thread each
 * (the JDK's HTTP client, one line subscriber per stream).
 * <ul>
 * <li>{@code idle <base> <tokens> <streams> <hold-seconds>}: opens that many streams, one per user,
 * waits until each has its first id, holds them, and prints how many are still open;</li>
 * <li>{@code delay <base> <tokens> <streams> <writes> <per-second>}: opens that many streams, then
 * creates tasks of random subscribed users at that rate, each titled with the time it was sent,
 * and prints the delay from sending the write to receiving its event (p50, p99, max).</li>
 * </ul>
 * Tokens come as lines "token subject" (see Tokens.java). Run as {@code java EventsLoad.java ...}.
 */
class EventsLoad {

	static final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(30))
		.build();

	static final AtomicInteger open = new AtomicInteger();

	static final AtomicInteger ended = new AtomicInteger();

	static final AtomicInteger refused = new AtomicInteger();

	static final Map<String, Long> delays = new ConcurrentHashMap<>();

	public static void main(String[] args) throws Exception {
		String mode = args[0];
		String base = args[1];
		List<String[]> tokens = Files.readAllLines(Path.of(args[2])).stream().map((line) -> line.split(" ")).toList();
		int streams = Integer.parseInt(args[3]);
		CountDownLatch ready = new CountDownLatch(streams);
		long start = System.nanoTime();
		for (int i = 0; i < streams; i++) {
			stream(base, tokens.get(i)[0], ready);
			if (i % 200 == 199) {
				Thread.sleep(100);
			}
		}
		if (!ready.await(120, TimeUnit.SECONDS)) {
			System.out.printf("only %d of %d streams started (%d refused, %d ended)%n", streams - ready.getCount(), streams,
					refused.get(), ended.get());
		}
		System.out.printf("streams open: %d in %.1f s (refused %d)%n", open.get(), (System.nanoTime() - start) / 1e9,
				refused.get());
		if (mode.equals("idle")) {
			Thread.sleep(Long.parseLong(args[4]) * 1000);
			System.out.printf("streams still open after %s s: %d (ended %d)%n", args[4], open.get() - ended.get(),
					ended.get());
			System.exit(0);
		}
		int writes = Integer.parseInt(args[4]);
		int perSecond = Integer.parseInt(args[5]);
		long interval = 1_000_000_000L / perSecond;
		long next = System.nanoTime();
		List<java.util.concurrent.CompletableFuture<?>> sent = new ArrayList<>();
		for (int i = 0; i < writes; i++) {
			String[] user = tokens.get(ThreadLocalRandom.current().nextInt(streams));
			String marker = "w" + i + "-" + System.nanoTime();
			sent.add(client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/api/tasks"))
				.header("Authorization", "Bearer " + user[0])
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"title\": \"" + marker + "\"}"))
				.build(), HttpResponse.BodyHandlers.discarding()));
			next += interval;
			long wait = next - System.nanoTime();
			if (wait > 0) {
				TimeUnit.NANOSECONDS.sleep(wait);
			}
		}
		for (var future : sent) {
			future.join();
		}
		Thread.sleep(3000);
		long[] sorted = delays.values().stream().mapToLong(Long::longValue).sorted().toArray();
		System.out.printf("writes %d, events received %d; delay from write sent to event received: p50 %.1f ms, "
				+ "p99 %.1f ms, max %.1f ms%n", writes, sorted.length, percentile(sorted, 0.50), percentile(sorted, 0.99),
				(sorted.length > 0) ? sorted[sorted.length - 1] / 1e6 : Double.NaN);
		System.exit(0);
	}

	static double percentile(long[] sorted, double p) {
		if (sorted.length == 0) {
			return Double.NaN;
		}
		return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e6;
	}

	static void stream(String base, String token, CountDownLatch ready) {
		HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/events"))
			.header("Authorization", "Bearer " + token)
			.header("Accept", "text/event-stream")
			.build();
		client.sendAsync(request, HttpResponse.BodyHandlers.fromLineSubscriber(new Flow.Subscriber<String>() {

			boolean first = true;

			/** Only a stream that opened can end; a refused one completes at once. */
			void end() {
				if (!this.first) {
					ended.incrementAndGet();
				}
			}

			@Override
			public void onSubscribe(Flow.Subscription subscription) {
				subscription.request(Long.MAX_VALUE);
			}

			@Override
			public void onNext(String line) {
				if (first && line.startsWith("id:")) {
					first = false;
					open.incrementAndGet();
					ready.countDown();
				}
				else if (line.startsWith("data:")) {
					int at = line.indexOf("\"title\":\"w");
					if (at >= 0) {
						String marker = line.substring(at + 9, line.indexOf('"', at + 9));
						long sentAt = Long.parseLong(marker.substring(marker.indexOf('-') + 1));
						delays.putIfAbsent(marker, System.nanoTime() - sentAt);
					}
				}
			}

			@Override
			public void onError(Throwable throwable) {
				end();
			}

			@Override
			public void onComplete() {
				end();
			}

		})).thenAccept((response) -> {
			if (response.statusCode() != 200) {
				refused.incrementAndGet();
				ready.countDown();
			}
		}).exceptionally((ex) -> {
			refused.incrementAndGet();
			ready.countDown();
			return null;
		});
	}

}
