package app.todo.event;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import app.todo.InvalidConfigurationException;
import app.todo.database.ListenConnections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The settings of live updates are checked at start-up, with reports that name the
 * variable and never echo a password.
 */
class EventPropertiesTests {

	@Test
	void listenUrlWhenMalformedThenTheReportNamesDatabaseListenUrlAndNotThePassword() {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> ListenConnections.options("DATABASE_LISTEN_URL", "mysql://todo:s3cret@db:3306/todo"))
			.satisfies((ex) -> {
				assertThat(ex.getMessage()).contains("DATABASE_LISTEN_URL must start with postgresql://")
					.doesNotContain("DATABASE_URL ")
					.doesNotContain("s3cret");
				assertThat(ex.getAction()).contains("Set DATABASE_LISTEN_URL");
			});
	}

	@Test
	void listenUrlWhenWellFormedThenItsOptionsAreThoseOfThatDatabase() {
		var options = ListenConnections.options("DATABASE_LISTEN_URL",
				"postgresql://todo:s3cret@direct.example.com:5433/todo?sslmode=require");
		assertThat(options.getValue(io.r2dbc.spi.ConnectionFactoryOptions.HOST)).isEqualTo("direct.example.com");
		assertThat(options.getValue(io.r2dbc.spi.ConnectionFactoryOptions.PORT)).isEqualTo(5433);
	}

	@Test
	void limitsWhenOutOfRangeThenTheReportNamesTheVariable() {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> new EventProperties(null, 0, 10, Duration.ofSeconds(15)))
			.withMessageContaining("EVENTS_MAX_STREAMS must be");
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> new EventProperties(null, 100, 0, Duration.ofSeconds(15)))
			.withMessageContaining("EVENTS_MAX_STREAMS_PER_USER must be");
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> new EventProperties(null, 100, 10, Duration.ofSeconds(30)))
			.withMessageContaining("heartbeat");
	}

	@Test
	void maxStreamsWhenUnsetThenAsManyAsTheHeapHolds() {
		assertThat(new EventProperties(null, null, 10, Duration.ofSeconds(15)).maxStreams())
			.isEqualTo(EventProperties.streamsTheHeapHolds(Runtime.getRuntime().maxMemory()));
		assertThat(EventProperties.streamsTheHeapHolds(256L * 1024 * 1024)).isEqualTo(3413);
		assertThat(EventProperties.streamsTheHeapHolds(512L * 1024 * 1024)).isEqualTo(8874);
		assertThat(EventProperties.streamsTheHeapHolds(64L * 1024 * 1024)).isEqualTo(100);
		assertThat(EventProperties.streamsTheHeapHolds(64L * 1024 * 1024 * 1024)).isEqualTo(100_000);
	}

}
