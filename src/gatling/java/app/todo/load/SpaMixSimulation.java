package app.todo.load;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.sse;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * What a single-page app does with the API, one virtual user per signed-in person: it creates a few
 * tasks, lists them, toggles one, edits one, deletes one and lists again. Every virtual user has its
 * own token (HS256, signed with the secret the API trusts) and so its own tasks.
 * <p>
 * System properties: {@code baseUrl} (default {@code http://127.0.0.1:8080}), {@code secret} (the
 * API's {@code BETTER_AUTH_SECRET}, required), {@code model}, {@code users} (concurrent users,
 * default 1000), {@code rate} (arrivals per second at the end of the open ramp, default 200),
 * {@code think} (seconds a person pauses between two requests, default 2), {@code streamShare} (the
 * share of people holding a live-updates stream while they work, default 0.3), {@code duration}
 * (seconds, default 60), and the targets {@code p95}, {@code p99} (milliseconds) and
 * {@code maxErrorPercent} that fail the run when missed. The models:
 * <ul>
 * <li>{@code closed} (the default): {@code users} virtual users at once, each starting again as soon
 * as it is done, with no pause: a stress figure, not a population of people;</li>
 * <li>{@code think}: people arriving at a constant rate (an open model, as real traffic is), each
 * pausing about {@code think} seconds between requests, so that {@code users} of them are signed
 * in and active at any time: 1,000 of them make about 500 requests a second;</li>
 * <li>{@code open}: a ramp of arrivals per second up to {@code rate}, with no pause.</li>
 * </ul>
 */
public class SpaMixSimulation extends Simulation {

	private static final String BASE_URL = System.getProperty("baseUrl", "http://127.0.0.1:8080");

	private static final String MODEL = System.getProperty("model", "closed");

	private static final int USERS = Integer.getInteger("users", 1000);

	private static final int RATE = Integer.getInteger("rate", 200);

	private static final double THINK = Double.parseDouble(System.getProperty("think", "2"));

	private static final Duration DURATION = Duration.ofSeconds(Integer.getInteger("duration", 60));

	/** The requests of one session, and so its pauses. */
	private static final int REQUESTS = 8;

	private static final int P95 = Integer.getInteger("p95", 50);

	private static final int P99 = Integer.getInteger("p99", 100);

	private static final double MAX_ERROR_PERCENT = Double.parseDouble(System.getProperty("maxErrorPercent", "0"));

	private final MACSigner signer = signer(System.getProperty("secret", System.getenv("BETTER_AUTH_SECRET")));

	/** The share of people who hold a live-updates stream ({@code GET /api/events}) while they work. */
	private static final double STREAM_SHARE = Double.parseDouble(System.getProperty("streamShare", "0.3"));

	private final Iterator<Map<String, Object>> people = Stream
		.generate(() -> Map.<String, Object>of("token", token("load-" + UUID.randomUUID()), "streams",
				ThreadLocalRandom.current().nextDouble() < STREAM_SHARE))
		.iterator();

	private final HttpProtocolBuilder protocol = http.baseUrl(BASE_URL)
		.acceptHeader("application/json")
		.contentTypeHeader("application/json");

	private final ChainBuilder createThree = repeat(3, "n").on(exec(think()).exec(http("create")
		.post("/api/tasks")
		.header("Authorization", "Bearer #{token}")
		.body(StringBody("""
				{"title": "Task #{n} of a load test", "description": "Written by Gatling, about as long as a real one",
				 "priority": "high", "due_date": "2026-12-24", "tags": ["load", "test"]}"""))
		.check(status().is(201), jsonPath("$.id").saveAs("id"))));

	private final ScenarioBuilder spa = scenario("SPA user").feed(this.people)
		// An open tab of the app: the stream stays open, idle or not, until the person leaves
		.doIf("#{streams}")
		.then(exec(sse("events").get("/api/events")
			.header("Authorization", "Bearer #{token}")
			.header("Accept", "text/event-stream")))
		.exec(this.createThree)
		.exec(think())
		.exec(http("list").get("/api/tasks").header("Authorization", "Bearer #{token}").check(status().is(200)))
		.exec(think())
		.exec(http("toggle").patch("/api/tasks/#{id}/complete")
			.header("Authorization", "Bearer #{token}")
			.check(status().is(200), jsonPath("$.completed").is("true")))
		.exec(think())
		.exec(http("edit").patch("/api/tasks/#{id}")
			.header("Authorization", "Bearer #{token}")
			.header("Content-Type", "application/merge-patch+json")
			.body(StringBody("{\"title\": \"Edited by Gatling\", \"priority\": \"low\"}"))
			.check(status().is(200)))
		.exec(think())
		.exec(http("delete").delete("/api/tasks/#{id}")
			.header("Authorization", "Bearer #{token}")
			.check(status().is(204)))
		.exec(think())
		.exec(http("list pending").get("/api/tasks?status=pending&sort=due_date")
			.header("Authorization", "Bearer #{token}")
			.check(status().is(200), header("Content-Type").is("application/json")))
		.doIf("#{streams}")
		.then(exec(sse("close events").close()));

	{
		PopulationBuilder population = switch (MODEL) {
			// Little's law: arrivals per second times the seconds a session lasts
			case "think" -> this.spa.injectOpen(constantUsersPerSec(USERS / (REQUESTS * THINK)).during(DURATION));
			case "open" -> this.spa.injectOpen(rampUsersPerSec(1).to(RATE).during(DURATION));
			case "closed" -> this.spa.injectClosed(constantConcurrentUsers(USERS).during(DURATION));
			default -> throw new IllegalArgumentException("-Dmodel is closed, think or open, not " + MODEL);
		};
		setUp(population).protocols(this.protocol)
			.assertions(global().failedRequests().percent().lte(MAX_ERROR_PERCENT),
					global().responseTime().percentile(95).lt(P95), global().responseTime().percentile(99).lt(P99),
					details("list").responseTime().percentile(99).lt(P99));
	}

	/** Between two requests: a pause of 0 to 2 × {@code think} seconds in the think model, none otherwise. */
	private static ChainBuilder think() {
		return "think".equals(MODEL) ? exec(pause(Duration.ZERO, Duration.ofMillis((long) (2000 * THINK))))
				: exec((session) -> session);
	}

	private String token(String subject) {
		Instant now = Instant.now();
		JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject)
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(Duration.ofHours(1))))
			.build();
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
		try {
			jwt.sign(this.signer);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

	private static MACSigner signer(String secret) {
		if (secret == null || secret.isBlank()) {
			throw new IllegalArgumentException("Set -Dsecret (or BETTER_AUTH_SECRET) to the secret the API trusts");
		}
		try {
			return new MACSigner(secret);
		}
		catch (JOSEException ex) {
			throw new IllegalArgumentException("The secret must be at least 32 bytes", ex);
		}
	}

}
