package app.todo.web;

import java.net.URI;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.reactive.function.server.MockServerRequest;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Limits and next links, shared by the list and the delta sync: no context.
 */
class PagingTests {

	@Test
	void limitWhenAbsentThenDefaultAndWhenOutOfRangeThenBadRequest() {
		assertThat(Paging.limit(new LinkedMultiValueMap<>())).isEqualTo(Paging.DEFAULT_LIMIT);
		assertThat(Paging.limit(parameters("limit", "200"))).isEqualTo(200);
		for (String bad : new String[] { "0", "201", "-1", "+5", "", " 5", "1e2", "0x10", "1234567890", "５" }) {
			assertThatExceptionOfType(InvalidParameterException.class).as(bad)
				.isThrownBy(() -> Paging.limit(parameters("limit", bad)))
				.satisfies((ex) -> assertThat(ex.getBody().getDetail())
					.isEqualTo("Query parameter 'limit' must be a whole number from 1 to 200."));
		}
	}

	@Test
	void singleWhenGivenTwiceThenBadRequest() {
		MultiValueMap<String, String> twice = parameters("status", "all");
		twice.add("status", "all");
		assertThatExceptionOfType(InvalidParameterException.class).isThrownBy(() -> Paging.single(twice, "status"));
		assertThat(Paging.single(twice, "other")).isNull();
	}

	@Test
	void nextLinkWhenParametersThenSetsOneDropsOthersAndKeepsTheRestEncoded() {
		MockServerRequest request = MockServerRequest.builder()
			.uri(URI.create("/api/tasks?q=cr%C3%A8me&offset=5&cursor=old&limit=10"))
			.queryParam("q", "crème")
			.queryParam("offset", "5")
			.queryParam("cursor", "old")
			.queryParam("limit", "10")
			.build();
		assertThat(Paging.nextLink(request, "cursor", "new.token", "offset"))
			.isEqualTo("</api/tasks?q=cr%C3%A8me&limit=10&cursor=new.token>; rel=\"next\"");
	}

	private static MultiValueMap<String, String> parameters(String name, String value) {
		MultiValueMap<String, String> parameters = new LinkedMultiValueMap<>();
		parameters.add(name, value);
		return parameters;
	}

}
