package app.todo.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What happens before and after the measured mix, outside Gatling's statistics so that its figures
 * and assertions are the mix's alone: signing people up, giving each a list of realistic length,
 * and deleting what the run created. Plain blocking HTTP on a pool of its own (Gatling's
 * {@code before} and {@code after} hooks run on the main thread, not on its event loops). A
 * {@code 429} or {@code 503} waits its {@code Retry-After} and is sent again, so that a deployment
 * with rate limits on can be seeded as it is.
 */
final class Setup {

	private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

	private static final int MAX_TRIES = 60;

	private final String baseUrl;

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	private final JsonMapper json = JsonMapper.shared();

	final AtomicLong requests = new AtomicLong();

	final AtomicLong retries = new AtomicLong();

	Setup(String baseUrl) {
		this.baseUrl = baseUrl;
	}

	/** Runs {@code work} for every person, {@code concurrency} at a time, and fails on the first failure. */
	static <T> void forEach(List<T> people, int concurrency, Consumer<T> work) {
		ExecutorService pool = Executors.newFixedThreadPool(concurrency);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (T person : people) {
				done.add(pool.submit(() -> work.accept(person)));
			}
			for (Future<?> future : done) {
				future.get();
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException("Setting up or cleaning up failed: " + ex.getMessage(), ex);
		}
		finally {
			pool.shutdownNow();
		}
	}

	/** Signs a new account up through the built-in accounts: its token. */
	Person signUp(String runId, int number) {
		String email = "load-" + runId + "-" + number + "@example.com";
		String password = Long.toHexString(ThreadLocalRandom.current().nextLong())
				+ Long.toHexString(ThreadLocalRandom.current().nextLong());
		String body = "{\"email\": \"%s\", \"password\": \"%s\", \"name\": \"Load test %d\"}".formatted(email, password,
				number);
		JsonNode answer = send("POST", "/api/auth/sign-up", null, body, 201);
		return new Person(answer.path("token").asString(), email, true);
	}

	/** Creates {@code count} tasks for the person, then completes about a third of them in bulk. */
	void seed(Person person, int count) {
		for (int i = 0; i < count; i++) {
			person.add(send("POST", "/api/tasks", person.token(), Tasks.random(), 201).path("id").asLong());
		}
		List<Long> completed = person.ids().stream().filter((id) -> ThreadLocalRandom.current().nextInt(10) < 3).toList();
		for (int from = 0; from < completed.size(); from += 200) {
			List<Long> ids = completed.subList(from, Math.min(from + 200, completed.size()));
			send("POST", "/api/tasks/complete", person.token(), "{\"ids\": " + ids + ", \"completed\": true}", 200);
		}
	}

	/**
	 * Deletes what the run created for the person: for a fresh person every task (listed, completed in
	 * bulk and cleared in one request per 200), for anyone else the run's tasks one by one. Answers
	 * the number of tasks deleted.
	 */
	int cleanUp(Person person) {
		if (!person.fresh()) {
			List<Long> ids = person.ids();
			for (long id : ids) {
				send("DELETE", "/api/tasks/" + id, person.token(), null, 204, 404);
				person.remove(id);
			}
			return ids.size();
		}
		List<Long> ids = new ArrayList<>();
		String url = this.baseUrl + "/api/tasks?limit=200";
		while (url != null) {
			HttpResponse<String> page = exchange("GET", url, person.token(), null, 200);
			JsonNode tasks = this.json.readTree(page.body());
			for (int i = 0; i < tasks.size(); i++) {
				ids.add(tasks.get(i).path("id").asLong());
			}
			url = next(url, page).orElse(null);
		}
		for (int from = 0; from < ids.size(); from += 200) {
			List<Long> chunk = ids.subList(from, Math.min(from + 200, ids.size()));
			send("POST", "/api/tasks/complete", person.token(), "{\"ids\": " + chunk + ", \"completed\": true}", 200);
		}
		int deleted = send("DELETE", "/api/tasks?status=completed", person.token(), null, 200).path("deleted").asInt();
		JsonNode left = send("GET", "/api/tasks?limit=1", person.token(), null, 200);
		if (left.size() != 0) {
			throw new IllegalStateException(person.name() + " still has tasks after the clean-up");
		}
		return deleted;
	}

	/** The next page of a list, from its {@code Link} header, resolved against the page's URL. */
	static Optional<String> next(String pageUrl, HttpResponse<?> page) {
		for (String link : page.headers().allValues("Link")) {
			Matcher matcher = NEXT.matcher(link);
			if (matcher.find()) {
				return Optional.of(URI.create(pageUrl).resolve(matcher.group(1)).toString());
			}
		}
		return Optional.empty();
	}

	private JsonNode send(String method, String path, String token, String body, int... expected) {
		HttpResponse<String> response = exchange(method, this.baseUrl + path, token, body, expected);
		return response.body().isEmpty() ? this.json.missingNode() : this.json.readTree(response.body());
	}

	private HttpResponse<String> exchange(String method, String url, String token, String body, int... expected) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.timeout(Duration.ofSeconds(30))
			.header("Accept", "application/json")
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body)
					: HttpRequest.BodyPublishers.noBody());
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		for (int attempt = 1;; attempt++) {
			HttpResponse<String> response;
			try {
				this.requests.incrementAndGet();
				response = this.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
			}
			catch (IOException ex) {
				throw new IllegalStateException(method + " " + url + ": " + ex.getMessage(), ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			int status = response.statusCode();
			for (int ok : expected) {
				if (status == ok) {
					return response;
				}
			}
			if ((status == 429 || status == 503) && attempt < MAX_TRIES) {
				this.retries.incrementAndGet();
				long seconds = response.headers().firstValueAsLong("Retry-After").orElse(1);
				sleep(Duration.ofSeconds(Math.max(1, seconds)));
				continue;
			}
			throw new IllegalStateException(method + " " + url + " answered " + status + ": " + response.body());
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
