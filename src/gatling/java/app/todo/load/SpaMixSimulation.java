package app.todo.load;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import io.gatling.http.action.sse.SseInboundMessage;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.csv;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.regex;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.core.CoreDsl.uniformRandomSwitch;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.headerRegex;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.sse;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * What the people of a single-page app do with the API, against any deployment: each person has a
 * list of realistic length, seeded before the run, and each virtual user is one visit of one of
 * them: the first screen (paged), a full delta sync, filtered views and a search, a new task, a
 * task opened and revalidated ({@code If-None-Match}, {@code 304}), edited ({@code If-Match}; now
 * and then a second tab's stale edit, {@code 412}), completed, deleted, and a delta sync of what
 * changed since. A share of visits holds the live-updates stream ({@code GET /api/events})
 * throughout and checks that its own edit arrives on it. At the end each person's data of this run
 * is deleted. Seeding and clean-up happen outside Gatling's statistics: the figures and assertions
 * are the mix's.
 * <p>
 * Who the people are ({@code -Dtokens} or {@code GATLING_TOKENS}):
 * <ul>
 * <li>{@code secret} (the default): {@code people} tokens signed HS256 with the secret the API
 * trusts, read from the environment variable {@code BETTER_AUTH_SECRET} only, never from the
 * command line;</li>
 * <li>{@code csv}: the tokens of a CSV file ({@code -DtokensFile} or {@code GATLING_TOKENS_FILE})
 * with a {@code token} column and optionally a {@code user} column, one person per line: any
 * deployment, whatever signs its tokens; only the tasks this run creates are written and deleted;</li>
 * <li>{@code signup}: {@code people} new accounts signed up through the built-in accounts
 * ({@code POST /api/auth/sign-up}), each with a unique email and a random password.</li>
 * </ul>
 * Other system properties: {@code baseUrl} (default {@code http://127.0.0.1:8080}), {@code model},
 * {@code users} (visits at once, default 1000), {@code people} (default {@code users} + 10%),
 * {@code rate}, {@code think} (seconds, default 2), {@code duration} (seconds, default 60),
 * {@code tasksMin} and {@code tasksMax} (the seeded list sizes, default 20 and 200),
 * {@code seedConcurrency} (default 20), {@code pages} (pages of the first screen followed at most,
 * default 3), {@code streamShare} (default 0.3), {@code staleShare} (visits that also send a stale
 * edit, default 0.1), {@code eventTimeout} (seconds, default 5), and the targets {@code p95},
 * {@code p99} (milliseconds) and {@code maxErrorPercent}. The models:
 * <ul>
 * <li>{@code closed} (the default): {@code users} visits at once, each starting again as soon as it
 * is done, with no pause: a stress figure, not a population of people;</li>
 * <li>{@code think}: visits arriving at a constant rate (an open model, as real traffic is), each
 * pausing 0 to 2 × {@code think} seconds before every step, so that {@code users} of them are
 * under way at any time;</li>
 * <li>{@code open}: a ramp of arrivals per second up to {@code rate}, with no pause.</li>
 * </ul>
 */
public class SpaMixSimulation extends Simulation {

	private static final String BASE_URL = setting("baseUrl", "GATLING_BASE_URL", "http://127.0.0.1:8080")
		.replaceAll("/+$", "");

	private static final String TOKENS = setting("tokens", "GATLING_TOKENS", "secret");

	private static final String MODEL = System.getProperty("model", "closed");

	private static final int USERS = Integer.getInteger("users", 1000);

	private static final int PEOPLE = Integer.getInteger("people", USERS + Math.max(1, USERS / 10));

	private static final int RATE = Integer.getInteger("rate", 200);

	private static final double THINK = Double.parseDouble(System.getProperty("think", "2"));

	private static final Duration DURATION = Duration.ofSeconds(Integer.getInteger("duration", 60));

	private static final int TASKS_MIN = Integer.getInteger("tasksMin", 20);

	private static final int TASKS_MAX = Integer.getInteger("tasksMax", 200);

	private static final int SEED_CONCURRENCY = Integer.getInteger("seedConcurrency", 20);

	private static final int PAGES = Integer.getInteger("pages", 3);

	/** The share of visits that hold a live-updates stream ({@code GET /api/events}) while they work. */
	private static final double STREAM_SHARE = Double.parseDouble(System.getProperty("streamShare", "0.3"));

	private static final double STALE_SHARE = Double.parseDouble(System.getProperty("staleShare", "0.1"));

	private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(Integer.getInteger("eventTimeout", 5));

	private static final int P95 = Integer.getInteger("p95", 50);

	private static final int P99 = Integer.getInteger("p99", 100);

	private static final double MAX_ERROR_PERCENT = Double.parseDouble(System.getProperty("maxErrorPercent", "0"));

	private static final String NEXT = "<([^>]+)>\\s*;\\s*rel=\"?next\"?";

	private final String runId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());

	private final Setup setup = new Setup(BASE_URL);

	/** Everyone of the run; {@code free} those no visit holds at the moment. */
	private final List<Person> everyone = new ArrayList<>(people());

	private final ConcurrentLinkedQueue<Person> free = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<Long> eventDelays = new ConcurrentLinkedQueue<>();

	private final AtomicLong eventsMissed = new AtomicLong();

	private final AtomicLong conflicts = new AtomicLong();

	private final AtomicLong waits = new AtomicLong();

	/** The pauses of one visit, counted as the visit is built: Little's law needs its length. */
	private int pauses;

	private final HttpProtocolBuilder protocol = http.baseUrl(BASE_URL)
		.acceptHeader("application/json")
		.contentTypeHeader("application/json")
		// Conditional requests are the mix's own, sent and checked explicitly
		.disableCaching()
		.sseUnmatchedInboundMessageBufferSize(100);

	private final ScenarioBuilder spa = scenario("SPA visit").exec(take())
		// An open tab of the app: the stream stays open, idle or not, until the person leaves
		.doIf("#{streams}")
		.then(exec(sse("events").get("/api/events").header("Accept", "text/event-stream").header("Authorization",
				"Bearer #{token}")))
		// The first screen: pending tasks by due date, scrolled down a page or two
		.exec(think())
		.exec(pages("list", (s) -> "/api/tasks?status=pending&sort=due_date&limit=20", PAGES, false))
		// The app's local copy: everything, then only changes
		.exec(think())
		.exec(pages("sync", (s) -> "/api/tasks?updated_since=*&limit=200", 100, true))
		.exec(think())
		.exec(filtered())
		.exec(think())
		.exec(get("search", (s) -> "/api/tasks?q=" + encode(Tasks.pick(Tasks.SEARCHES)) + "&limit=20"))
		.exec(think())
		.exec(filtered())
		.exec(think())
		.exec(http("create").post("/api/tasks")
			.header("Authorization", "Bearer #{token}")
			.header("Idempotency-Key", (s) -> UUID.randomUUID().toString())
			.body(StringBody((s) -> Tasks.random()))
			.check(status().is(201), jsonPath("$.id").saveAs("created")))
		.exec((s) -> {
			if (s.contains("created")) {
				person(s).add(Long.parseLong(s.getString("created")));
			}
			return s.set("opened", person(s).anyId());
		})
		// A task opened, then shown again from the app's cache after a revalidation
		.exec(think())
		.exec(http("get").get("/api/tasks/#{opened}")
			.header("Authorization", "Bearer #{token}")
			.check(status().is(200), header("ETag").saveAs("etag")))
		.exec(think())
		.exec(http("get unchanged").get("/api/tasks/#{opened}")
			.header("Authorization", "Bearer #{token}")
			.header("If-None-Match", "#{etag}")
			.check(status().is(304)))
		.exec(think())
		.exec(this.edit())
		.exec(think())
		.exec((s) -> s.set("completing", person(s).anyId()))
		.exec(http("complete").patch("/api/tasks/#{completing}/complete")
			.header("Authorization", "Bearer #{token}")
			.body(StringBody("{\"completed\": true}"))
			.check(status().is(200), jsonPath("$.completed").is("true")))
		.exec(think())
		.exec((s) -> {
			long id = person(s).anyId();
			person(s).remove(id);
			return s.set("deleting", id);
		})
		.exec(http("delete").delete("/api/tasks/#{deleting}")
			.header("Authorization", "Bearer #{token}")
			.check(status().is(204)))
		// What changed since the first sync: this visit's own writes at least
		.exec(think())
		.exec(pages("sync changes",
				(s) -> "/api/tasks?limit=200&updated_since=" + encode(s.contains("syncToken") ? s.getString("syncToken") : "*"),
				100, true))
		.doIf("#{streams}")
		.then(exec(sse("close events").close()))
		.exec(this::release);

	{
		PopulationBuilder population = switch (MODEL) {
			// Little's law: arrivals per second times the seconds a visit lasts
			case "think" -> this.spa.injectOpen(constantUsersPerSec(USERS / (this.pauses * THINK)).during(DURATION));
			case "open" -> this.spa.injectOpen(rampUsersPerSec(1).to(RATE).during(DURATION));
			case "closed" -> this.spa.injectClosed(constantConcurrentUsers(USERS).during(DURATION));
			default -> throw new IllegalArgumentException("-Dmodel is closed, think or open, not " + MODEL);
		};
		setUp(population).protocols(this.protocol)
			.assertions(global().failedRequests().percent().lte(MAX_ERROR_PERCENT),
					global().responseTime().percentile(95).lt(P95), global().responseTime().percentile(99).lt(P99),
					details("list").responseTime().percentile(99).lt(P99));
	}

	@Override
	public void before() {
		long start = System.nanoTime();
		if ("signup".equals(TOKENS)) {
			List<Integer> numbers = java.util.stream.IntStream.rangeClosed(1, PEOPLE).boxed().toList();
			ConcurrentLinkedQueue<Person> signedUp = new ConcurrentLinkedQueue<>();
			Setup.forEach(numbers, SEED_CONCURRENCY, (n) -> signedUp.add(this.setup.signUp(this.runId, n)));
			this.everyone.addAll(signedUp);
			System.out.printf("Signed up %d people (load-%s-*@example.com) in %.1f s%n", signedUp.size(), this.runId,
					seconds(start));
		}
		long seeding = System.nanoTime();
		Setup.forEach(this.everyone, SEED_CONCURRENCY, (person) -> this.setup.seed(person,
				ThreadLocalRandom.current().nextInt(TASKS_MIN, Math.max(TASKS_MIN, TASKS_MAX) + 1)));
		long tasks = this.everyone.stream().mapToLong(Person::size).sum();
		System.out.printf("Seeded %d people (tokens: %s) with %d tasks (%d to %d each) in %.1f s;"
				+ " %d requests, %d of them retried after a 429 or 503%n", this.everyone.size(), TOKENS, tasks,
				TASKS_MIN, TASKS_MAX, seconds(seeding), this.setup.requests.get(), this.setup.retries.get());
		this.free.addAll(this.everyone);
	}

	@Override
	public void after() {
		long start = System.nanoTime();
		long requests = this.setup.requests.get();
		AtomicLong deleted = new AtomicLong();
		Setup.forEach(this.everyone, SEED_CONCURRENCY, (person) -> deleted.addAndGet(this.setup.cleanUp(person)));
		System.out.printf("Clean-up: deleted %d tasks of %d people in %.1f s (%d requests)%n", deleted.get(),
				this.everyone.size(), seconds(start), this.setup.requests.get() - requests);
		if ("signup".equals(TOKENS)) {
			System.out.printf("The %d accounts load-%s-*@example.com remain: the API has no route that removes an"
					+ " account%n", this.everyone.size(), this.runId);
		}
		List<Long> delays = this.eventDelays.stream().sorted().toList();
		if (!delays.isEmpty() || this.eventsMissed.get() > 0) {
			System.out.printf("Live updates: %d own edits seen on the stream, %d missed (over %d s); write to event"
					+ " p50 %d ms, p99 %d ms, max %d ms%n", delays.size(), this.eventsMissed.get(),
					EVENT_TIMEOUT.toSeconds(), percentile(delays, 50), percentile(delays, 99), percentile(delays, 100));
		}
		System.out.printf("Edits: %d answered 412 (changed by someone else); visits that waited for a free"
				+ " person: %d%n", this.conflicts.get(), this.waits.get());
	}

	/** Edits the opened task with {@code If-Match}, then, on a stream, waits for its own change. */
	private ChainBuilder edit() {
		return exec(http("edit").patch("/api/tasks/#{opened}")
			.header("Authorization", "Bearer #{token}")
			.header("Content-Type", "application/merge-patch+json")
			.header("If-Match", "#{etag}")
			.body(StringBody((s) -> "{\"title\": \"Edited by Gatling\", \"priority\": \"%s\"}"
				.formatted(Tasks.pick(List.of("low", "medium", "high")))))
			// 412: another tab changed it since it was read; tolerated, and counted
			.check(status().in(200, 412).saveAs("edited"), jsonPath("$.version").optional().saveAs("version")))
			.exec((s) -> {
				if (edited(s) == 412) {
					this.conflicts.incrementAndGet();
				}
				return s.set("wroteAt", System.currentTimeMillis());
			})
			.doIf((s) -> s.getBoolean("streams") && edited(s) == 200)
			.then(exec(sse.processUnmatchedMessages((messages, s) -> seen(s, messages)))
				.doIf((s) -> !s.contains("eventSeen"))
				.then(exec(sse("own change").setCheck()
					.await(EVENT_TIMEOUT)
					.on(sse.checkMessage("own change event")
						.matching(regex((s) -> ownChange(s).pattern()))
						.check(regex((s) -> ownChange(s).pattern()).saveAs("eventSeen"))))
					.exec((s) -> {
						if (s.contains("eventSeen")) {
							this.eventDelays.add(System.currentTimeMillis() - s.getLong("wroteAt"));
						}
						else {
							this.eventsMissed.incrementAndGet();
						}
						return s;
					})))
			.exec((s) -> s.remove("eventSeen"))
			// Now and then a second tab, still holding the version read before the edit
			.doIf((s) -> edited(s) == 200 && ThreadLocalRandom.current().nextDouble() < STALE_SHARE)
			.then(exec(pause()).exec(http("edit stale").patch("/api/tasks/#{opened}")
				.header("Authorization", "Bearer #{token}")
				.header("Content-Type", "application/merge-patch+json")
				.header("If-Match", "#{etag}")
				.body(StringBody("{\"title\": \"Edited in another tab\"}"))
				.check(status().is(412))));
	}

	/** Among the messages that arrived since the stream was last looked at, this edit's event. */
	private Session seen(Session session, List<SseInboundMessage> messages) {
		Pattern own = ownChange(session);
		for (SseInboundMessage message : messages) {
			if (own.matcher(message.message()).find()) {
				this.eventDelays.add(Math.max(0, message.timestamp() - session.getLong("wroteAt")));
				return session.set("eventSeen", true);
			}
		}
		return session;
	}

	/**
	 * The {@code task.updated} event of the edited task at its new version, in Gatling's JSON form of
	 * an event ({@code {"event":"task.updated","id":"...","data":{"id":42,...}}}; the data escaped
	 * as a string would match too).
	 */
	private static Pattern ownChange(Session session) {
		return Pattern.compile("\"task\\.updated\".*\\\\?\"id\\\\?\":" + session.getString("opened")
				+ "[,}].*\\\\?\"version\\\\?\":" + session.getString("version") + "[,}]");
	}

	/** One of the views a person switches to: the request name says which. */
	private ChainBuilder filtered() {
		LocalDate today = LocalDate.now();
		return uniformRandomSwitch().on(get("list high priority", (s) -> "/api/tasks?priority=high&sort=due_date"),
				get("list tag", (s) -> "/api/tasks?tag=" + Tasks.pick(Tasks.TAGS) + "&status=pending"),
				get("list overdue", (s) -> "/api/tasks?overdue=true&sort=-priority"),
				get("list this week",
						(s) -> "/api/tasks?due_after=" + today + "&due_before=" + today.plusDays(7) + "&sort=due_date"),
				get("list completed", (s) -> "/api/tasks?status=completed&sort=-updated_at&limit=20"));
	}

	private static ChainBuilder get(String name, java.util.function.Function<Session, String> path) {
		return exec(http(name).get(path).header("Authorization", "Bearer #{token}").check(status().is(200)));
	}

	/**
	 * A list and up to {@code max} pages of it, following {@code Link: rel="next"} (relative or
	 * absolute, resolved against the page's URL) without a pause, as an app scrolling down does. A
	 * delta sync keeps the {@code Sync-Token} of its last page.
	 */
	private static ChainBuilder pages(String name, java.util.function.Function<Session, String> first, int max,
			boolean sync) {
		return exec((s) -> s.set("pageUrl", BASE_URL + first.apply(s)).set("page", 1).remove("next"))
			.exec(page(name, sync))
			.exec(asLongAs((s) -> s.contains("next") && s.getInt("page") < max).on(exec((s) -> s
				.set("pageUrl", URI.create(s.getString("pageUrl")).resolve(s.getString("next")).toString())
				.set("page", s.getInt("page") + 1)
				.remove("next")).exec(page(name + " next page", sync))));
	}

	private static HttpRequestActionBuilder page(String name, boolean sync) {
		HttpRequestActionBuilder request = http(name).get("#{pageUrl}")
			.header("Authorization", "Bearer #{token}")
			.check(status().is(200), headerRegex("Link", NEXT).optional().saveAs("next"));
		// The last page of a sync carries the token of the next one
		return sync ? request.checkIf((response, s) -> response.headers().get("Link") == null)
			.then(header("Sync-Token").saveAs("syncToken")) : request;
	}

	/** A visit starts by taking a person nobody else is being at the moment (waiting if there is none). */
	private ChainBuilder take() {
		return asLongAs((s) -> !s.contains("person")).on(exec((s) -> {
			Person person = this.free.poll();
			if (person == null) {
				if (!s.contains("waited")) {
					this.waits.incrementAndGet();
				}
				return s.set("waited", true);
			}
			return s.set("person", person)
				.set("token", person.token())
				.set("streams", ThreadLocalRandom.current().nextDouble() < STREAM_SHARE);
		}).doIf((s) -> !s.contains("person")).then(io.gatling.javaapi.core.CoreDsl.pause(Duration.ofMillis(100))));
	}

	private Session release(Session session) {
		this.free.add(person(session));
		return session.remove("person");
	}

	/** Before a step: a pause of 0 to 2 × {@code think} seconds in the think model, none otherwise. */
	private ChainBuilder think() {
		this.pauses++;
		return pause();
	}

	/** A pause of a step that only some visits take, left out of a visit's length. */
	private static ChainBuilder pause() {
		return "think".equals(MODEL) ? exec(io.gatling.javaapi.core.CoreDsl.pause(Duration.ZERO,
				Duration.ofMillis((long) (2000 * THINK)))) : exec((session) -> session);
	}

	private static int edited(Session session) {
		return session.contains("edited") ? session.getInt("edited") : 0;
	}

	private static Person person(Session session) {
		return session.get("person");
	}

	/** The people of the run, but for sign-up, which needs the API and so waits for {@code before}. */
	private static List<Person> people() {
		return switch (TOKENS) {
			case "secret" -> {
				if (System.getProperty("secret") != null) {
					throw new IllegalArgumentException(
							"The secret is read from BETTER_AUTH_SECRET in the environment only, never from the command line");
				}
				HmacTokens tokens = new HmacTokens(System.getenv("BETTER_AUTH_SECRET"),
						DURATION.plus(Duration.ofHours(1)));
				yield java.util.stream.IntStream.range(0, PEOPLE).mapToObj((n) -> {
					String subject = "load-" + UUID.randomUUID();
					return new Person(tokens.sign(subject), subject, true);
				}).toList();
			}
			case "csv" -> {
				String file = setting("tokensFile", "GATLING_TOKENS_FILE", null);
				if (file == null) {
					throw new IllegalArgumentException("-Dtokens=csv needs -DtokensFile (or GATLING_TOKENS_FILE)");
				}
				List<Map<String, Object>> records = csv(file).readRecords();
				List<Person> people = new ArrayList<>();
				for (Map<String, Object> record : records) {
					Object token = record.get("token");
					if (token == null || token.toString().isBlank()) {
						throw new IllegalArgumentException(file + " needs a token column, and a token on every line");
					}
					Object user = record.get("user");
					people.add(new Person(token.toString(), (user != null) ? user.toString() : "line " + people.size(),
							false));
				}
				yield people;
			}
			case "signup" -> List.of();
			default -> throw new IllegalArgumentException("-Dtokens is secret, csv or signup, not " + TOKENS);
		};
	}

	private static String setting(String property, String variable, String fallback) {
		String value = System.getProperty(property);
		if (value == null || value.isBlank()) {
			value = System.getenv(variable);
		}
		return (value == null || value.isBlank()) ? fallback : value;
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static double seconds(long since) {
		return (System.nanoTime() - since) / 1e9;
	}

	private static long percentile(List<Long> sorted, int percentile) {
		if (sorted.isEmpty()) {
			return 0;
		}
		int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
		return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
	}

}
