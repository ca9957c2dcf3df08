package bench;

import java.time.Instant;
import java.util.List;

import io.r2dbc.spi.Readable;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * The floor the API is measured against: WebFlux.fn and R2DBC with nothing else. The user is a
 * plain header, as no token is checked; the statements are the API's own, owner first.
 */
@SpringBootApplication
public class BareApplication {

	private static final String COLUMNS = "id, user_id, title, description, completed, priority, due_date, tags, "
			+ "created_at, updated_at, completed_at, version";

	public static void main(String[] args) {
		SpringApplication.run(BareApplication.class, args);
	}

	@Bean
	RouterFunction<ServerResponse> routes(DatabaseClient db) {
		return route().GET("/hello", (request) -> ServerResponse.ok().bodyValue("hello"))
			.GET("/tasks/{id}", (request) -> db
				.sql("SELECT " + COLUMNS + " FROM tasks WHERE user_id = :u AND id = :id")
				.bind("u", user(request))
				.bind("id", Long.parseLong(request.pathVariable("id")))
				.map(BareApplication::task)
				.one()
				.flatMap((task) -> ServerResponse.ok().bodyValue(task))
				.switchIfEmpty(ServerResponse.notFound().build()))
			.GET("/tasks", (request) -> db
				.sql("SELECT " + COLUMNS + " FROM tasks WHERE user_id = :u ORDER BY created_at DESC, id DESC LIMIT 50")
				.bind("u", user(request))
				.map(BareApplication::task)
				.all()
				.collectList()
				.flatMap((tasks) -> ServerResponse.ok().bodyValue(tasks)))
			.build();
	}

	private static String user(ServerRequest request) {
		String user = request.headers().firstHeader("X-User");
		return (user != null) ? user : "";
	}

	private static Task task(Readable row) {
		return new Task(row.get("id", Long.class), row.get("user_id", String.class), row.get("title", String.class),
				row.get("description", String.class), row.get("completed", Boolean.class),
				row.get("priority", Short.class), row.get("due_date", Instant.class),
				List.of(row.get("tags", String[].class)), row.get("created_at", Instant.class),
				row.get("updated_at", Instant.class), row.get("completed_at", Instant.class),
				row.get("version", Integer.class));
	}

	record Task(long id, String userId, String title, String description, boolean completed, short priority,
			Instant dueDate, List<String> tags, Instant createdAt, Instant updatedAt, Instant completedAt,
			int version) {
	}

}
