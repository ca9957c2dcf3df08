package app.todo.web;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;

import app.todo.TestCertificates;
import app.todo.TestIdentityProvider;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * With {@code TLS_CERTIFICATE} and {@code TLS_PRIVATE_KEY} set, the API speaks HTTPS and
 * negotiates HTTP/2 with clients that offer it. The certificate is given as a file path
 * and the key as PEM text, the two forms operators use.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "todo.database.url=",
		"todo.database.embedded-directory=", "todo.auth.secret=" + TestIdentityProvider.SECRET })
class HttpsTests {

	private static final TestCertificates certificates = TestCertificates.create();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void tls(DynamicPropertyRegistry registry) throws IOException {
		Path directory = Files.createTempDirectory("todo-https");
		directory.toFile().deleteOnExit();
		certificates.writeTo(directory);
		directory.resolve("server.crt").toFile().deleteOnExit();
		registry.add("TLS_CERTIFICATE", () -> directory.resolve("server.crt").toString());
		registry.add("TLS_PRIVATE_KEY", certificates::serverKeyPem);
	}

	@Test
	void postWhenHttpsThenHttp2AndTaskCreated() throws Exception {
		HttpClient client = HttpClient.newBuilder()
			.sslContext(certificates.clientContext())
			.version(HttpClient.Version.HTTP_2)
			.connectTimeout(Duration.ofSeconds(10))
			.build();
		HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + this.port + "/api/tasks"))
			.header("Authorization", "Bearer " + TestIdentityProvider.get().hs256("https-user"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"title\": \"Over TLS\"}"))
			.timeout(Duration.ofSeconds(30))
			.build();
		HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(201);
		assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
		assertThat(response.body()).contains("\"title\":\"Over TLS\"");
	}

	@Test
	void getWhenHttp11ClientThenStillServed() throws Exception {
		HttpClient client = HttpClient.newBuilder()
			.sslContext(certificates.clientContext())
			.version(HttpClient.Version.HTTP_1_1)
			.build();
		HttpResponse<String> response = client
			.send(HttpRequest.newBuilder(URI.create("https://localhost:" + this.port + "/api/tasks"))
				.header("Authorization", "Bearer " + TestIdentityProvider.get().hs256("https-user-11"))
				.timeout(Duration.ofSeconds(30))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
	}

	@Test
	void getWhenClientDoesNotTrustTheCertificateThenHandshakeFails() {
		HttpClient client = HttpClient.newBuilder().sslContext(TestCertificates.create().clientContext()).build();
		assertThatExceptionOfType(SSLHandshakeException.class).isThrownBy(() -> client
			.send(HttpRequest.newBuilder(URI.create("https://localhost:" + this.port + "/actuator/health"))
				.timeout(Duration.ofSeconds(30))
				.build(), HttpResponse.BodyHandlers.discarding()));
	}

	@Test
	void startWhenOnlyTheCertificateIsSetThenOneClearReport() {
		assertThatException()
			.isThrownBy(() -> SpringApplication.run(app.todo.TodoApplication.class, "--server.port=0",
					"--todo.database.url=postgresql://todo@127.0.0.1:1/todo",
					"--todo.auth.secret=" + TestIdentityProvider.SECRET,
					"--TLS_CERTIFICATE=" + certificates.serverCertificatePem(),
					"--spring.main.register-shutdown-hook=false", "--management.metrics.use-global-registry=false"))
			.satisfies((ex) -> assertThat(ex).rootCause()
				.hasMessageContaining(
						"TLS_CERTIFICATE and TLS_PRIVATE_KEY go together, but TLS_PRIVATE_KEY is not set"));
	}

}
