package app.todo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jose.JWSAlgorithm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances of the whole application, as two replicas behind a balancer: separate
 * application contexts on their own random ports, sharing nothing but one PostgreSQL.
 * Whatever one instance writes, hands out (cursors) or accepts (tokens), the other
 * honours; so requests of one client may land on any replica.
 */
@ExtendWith(Replicas.Extension.class)
class StatelessReplicasTests {

	private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"");

	private static WebTestClient first;

	private static WebTestClient second;

	@BeforeAll
	static void replicas(Replicas replicas) {
		first = replicas.first();
		second = replicas.second();
	}

	@Test
	void taskCreatedOnOneReplicaIsReadUpdatedAndDeletedOnTheOther() {
		String token = TestIdentityProvider.get().hs256("replicas-" + System.nanoTime());
		String location = first.post()
			.uri("/api/tasks")
			.headers((headers) -> headers.setBearerAuth(token))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"Written by the first\"}")
			.exchange()
			.expectStatus()
			.isCreated()
			.returnResult(Void.class)
			.getResponseHeaders()
			.getLocation()
			.toString();

		second.get()
			.uri(location)
			.headers((headers) -> headers.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.title")
			.isEqualTo("Written by the first");
		second.patch()
			.uri(location)
			.headers((headers) -> headers.setBearerAuth(token))
			.contentType(MediaType.valueOf("application/merge-patch+json"))
			.bodyValue("{\"title\": \"Edited by the second\"}")
			.exchange()
			.expectStatus()
			.isOk();
		first.get()
			.uri(location)
			.headers((headers) -> headers.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.title")
			.isEqualTo("Edited by the second")
			.jsonPath("$.version")
			.isEqualTo(2);
		second.delete()
			.uri(location)
			.headers((headers) -> headers.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isNoContent();
		first.get()
			.uri(location)
			.headers((headers) -> headers.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isNotFound();
	}

	@Test
	void listCursorOfOneReplicaIsFollowedOnTheOther() {
		String token = TestIdentityProvider.get().hs256("replicas-" + System.nanoTime());
		List<String> created = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			WebTestClient replica = (i % 2 == 0) ? first : second;
			created.add(replica.post()
				.uri("/api/tasks")
				.headers((headers) -> headers.setBearerAuth(token))
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"title\": \"Task " + i + "\"}")
				.exchange()
				.expectStatus()
				.isCreated()
				.returnResult(Void.class)
				.getResponseHeaders()
				.getLocation()
				.getPath());
		}

		var page = first.get()
			.uri("/api/tasks?limit=2")
			.headers((headers) -> headers.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult();
		Matcher next = NEXT_LINK.matcher(String.valueOf(page.getResponseHeaders().getFirst(HttpHeaders.LINK)));
		assertThat(next.find()).as("a next link on the first page").isTrue();
		String secondPage = second.get()
			.uri(next.group(1))
			.headers((headers) -> headers.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.doesNotExist(HttpHeaders.LINK)
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();

		// Newest first: the first page holds tasks 2 and 1, the second task 0
		assertThat(page.getResponseBody()).contains("\"Task 2\"", "\"Task 1\"").doesNotContain("\"Task 0\"");
		assertThat(secondPage).contains("\"Task 0\"").doesNotContain("\"Task 1\"", "\"Task 2\"");
		assertThat(secondPage).contains("\"id\":" + created.get(0).substring(created.get(0).lastIndexOf('/') + 1));
	}

	@Test
	void tokenIsAcceptedByBothAndABadOneByNeither() {
		String token = TestIdentityProvider.get().hs256("replicas-" + System.nanoTime());
		String forged = TestIdentityProvider.sign(
				TestIdentityProvider
					.hs256Signer("another-secret-of-more-than-32-bytes-0123456789".getBytes(StandardCharsets.UTF_8)),
				JWSAlgorithm.HS256, null, TestIdentityProvider.get().claims("mallory").build());
		for (WebTestClient replica : List.of(first, second)) {
			replica.get()
				.uri("/api/tasks")
				.headers((headers) -> headers.setBearerAuth(token))
				.exchange()
				.expectStatus()
				.isOk();
			replica.get()
				.uri("/api/tasks")
				.headers((headers) -> headers.setBearerAuth(forged))
				.exchange()
				.expectStatus()
				.isUnauthorized();
		}
	}

}
