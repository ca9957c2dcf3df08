package app.todo.security;

import java.util.List;

import org.junit.jupiter.api.Test;

import app.todo.TestIdentityProvider;
import app.todo.TestcontainersConfiguration;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The development run ({@code ./mvnw spring-boot:run}, the dev profile) lets a SPA's dev
 * server on any port of localhost or 127.0.0.1 call the API, with no setting; nothing
 * else.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "todo.database.url=", "todo.database.embedded-directory=",
				"todo.auth.secret=" + TestIdentityProvider.SECRET })
@ActiveProfiles("dev")
@AutoConfigureWebTestClient(timeout = "30s")
@Import(TestcontainersConfiguration.class)
class DevelopmentCorsTests {

	@Autowired
	private WebTestClient client;

	@Test
	void preflightWhenDevServerOnLocalhostThenAllowed() {
		for (String devServer : List.of("http://localhost:5173", "http://localhost:3000", "http://127.0.0.1:8081",
				"http://localhost")) {
			preflight(devServer).expectStatus()
				.isOk()
				.expectHeader()
				.valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, devServer);
		}
	}

	@Test
	void preflightWhenAnyOtherOriginThenForbidden() {
		for (String other : List.of("https://localhost:5173", "http://localhost.evil.example:3000",
				"http://192.168.1.2:5173", "https://app.example.com")) {
			preflight(other).expectStatus()
				.isForbidden()
				.expectHeader()
				.doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);
		}
	}

	private WebTestClient.ResponseSpec preflight(String origin) {
		return this.client.options()
			.uri("/api/tasks")
			.header(HttpHeaders.ORIGIN, origin)
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "authorization,content-type")
			.exchange();
	}

}
