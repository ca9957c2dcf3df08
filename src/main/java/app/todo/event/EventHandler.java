package app.todo.event;

import java.util.OptionalLong;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import app.todo.event.EventTickets.Holder;
import app.todo.task.TaskChangeLog;
import app.todo.web.InvalidHeaderException;
import app.todo.web.InvalidParameterException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * {@code GET /api/events}, the caller's changes as Server-Sent Events, and
 * {@code POST /api/events/ticket}, a one-time ticket to open it from a URL.
 */
@Component
class EventHandler {

	static final String LAST_EVENT_ID = "Last-Event-ID";

	static final String UPDATED_SINCE = "updated_since";

	static final String TICKET = "ticket";

	private final EventStreams streams;

	private final EventTickets tickets;

	private final TaskChangeLog log;

	EventHandler(EventStreams streams, EventTickets tickets, TaskChangeLog log) {
		this.streams = streams;
		this.tickets = tickets;
		this.log = log;
	}

	Mono<ServerResponse> stream(ServerRequest request) {
		return holder(request).flatMap((holder) -> {
			Long floor = resumeFrom(request, holder.userId());
			Flux<ServerSentEvent<Object>> events = this.streams.open(holder.userId(), floor, holder.tokenExpiresAt());
			return ServerResponse.ok()
				.contentType(MediaType.TEXT_EVENT_STREAM)
				// Proxies that buffer responses (nginx) pass this one through as it comes
				.header("X-Accel-Buffering", "no")
				.body(BodyInserters.fromServerSentEvents(events));
		});
	}

	/** The headers of the stream, without opening one. */
	Mono<ServerResponse> head(ServerRequest request) {
		return holder(request).flatMap((holder) -> {
			resumeFrom(request, holder.userId());
			return ServerResponse.ok().contentType(MediaType.TEXT_EVENT_STREAM).build();
		});
	}

	Mono<ServerResponse> ticket(ServerRequest request) {
		return bearer(request)
			.switchIfEmpty(Mono.error(() -> new StreamUnauthorizedException("A bearer token is required.")))
			.flatMap((holder) -> this.tickets.issue(holder.userId(), holder.tokenExpiresAt()))
			.flatMap((ticket) -> ServerResponse.ok()
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(new Ticket(ticket, EventTickets.LIFETIME.toSeconds())));
	}

	/** The bearer token's user; else the ticket's, which it uses up; else a 401. */
	private Mono<Holder> holder(ServerRequest request) {
		return bearer(request).switchIfEmpty(Mono.defer(() -> {
			String ticket = request.queryParam(TICKET).orElse(null);
			if (ticket == null) {
				return Mono.error(new StreamUnauthorizedException(
						"A bearer token, or a ticket from POST /api/events/ticket in ?ticket=, is required."));
			}
			return this.tickets.consume(ticket)
				.switchIfEmpty(Mono.error(() -> new StreamUnauthorizedException(
						"The ticket is unknown, used or expired: ask for a new one with POST /api/events/ticket.")));
		}));
	}

	private static Mono<Holder> bearer(ServerRequest request) {
		return request.principal()
			.ofType(JwtAuthenticationToken.class)
			.map((authentication) -> new Holder(authentication.getToken().getSubject(),
					authentication.getToken().getExpiresAt()));
	}

	/**
	 * {@code Last-Event-ID} (sent by EventSource when it reconnects) over
	 * {@code updated_since}.
	 */
	private @Nullable Long resumeFrom(ServerRequest request, String userId) {
		String lastEventId = request.headers().firstHeader(LAST_EVENT_ID);
		if (lastEventId != null && !lastEventId.isEmpty()) {
			OptionalLong floor = this.log.floorOf(userId, lastEventId);
			if (floor.isEmpty()) {
				throw new InvalidHeaderException(LAST_EVENT_ID, "is not the id of an event this API sent you.");
			}
			return floor.getAsLong();
		}
		String since = request.queryParam(UPDATED_SINCE).orElse(null);
		if (since != null) {
			OptionalLong floor = this.log.floorOf(userId, since);
			if (floor.isEmpty()) {
				throw new InvalidParameterException(UPDATED_SINCE,
						"must be the Sync-Token of a finished delta sync (GET /api/tasks?updated_since=...), or an event id.");
			}
			return floor.getAsLong();
		}
		return null;
	}

	/** The answer to {@code POST /api/events/ticket}. */
	record Ticket(String ticket, long expiresIn) {
	}

	/** 401, with the challenge of RFC 6750. */
	static final class StreamUnauthorizedException extends ErrorResponseException {

		StreamUnauthorizedException(String detail) {
			super(HttpStatus.UNAUTHORIZED);
			getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
			getBody().setDetail(detail);
		}

	}

}
