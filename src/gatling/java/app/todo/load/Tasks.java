package app.todo.load;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Tasks as people write them, and the questions people ask of them: titles from a small vocabulary
 * so that a search finds something, mixed priorities, zero to three tags, most with a due date
 * (some of them past, so that {@code overdue=true} finds tasks), descriptions of a sentence or two.
 */
final class Tasks {

	static final List<String> TAGS = List.of("work", "home", "errands", "health", "finance", "family", "urgent");

	private static final List<String> VERBS = List.of("Call", "Buy", "Pay", "Email", "Book", "Fix", "Plan", "Review",
			"Send", "Clean", "Renew", "Cancel");

	private static final List<String> OBJECTS = List.of("the plumber", "milk and bread", "the electricity invoice",
			"the dentist", "flights to Lisbon", "the bike's brakes", "the team meeting", "the quarterly report",
			"a birthday present for Anna", "the garage door", "the car insurance", "the café reservation");

	/** Prefixes and words of the vocabulary above, as people type them into a search box. */
	static final List<String> SEARCHES = List.of("invoice", "dent", "report", "lisb", "plumb", "birthday", "insur",
			"cafe", "team meet", "garage", "bread", "brakes");

	private static final List<String> PRIORITIES = List.of("low", "medium", "high");

	private Tasks() {
	}

	/** A new task's JSON, with a due date in the three weeks before to six weeks after today. */
	static String random() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		String title = pick(VERBS) + " " + pick(OBJECTS);
		List<String> tags = new ArrayList<>(TAGS);
		java.util.Collections.shuffle(tags, random);
		String tagList = String.join(", ", tags.subList(0, random.nextInt(4)).stream().map((t) -> '"' + t + '"').toList());
		String due = (random.nextInt(10) < 7) ? '"' + LocalDate.now().plusDays(random.nextInt(-21, 43)).toString() + '"'
				: "null";
		return """
				{"title": "%s", "description": "Written by the Gatling load test: %s, before the end of the week if possible.",
				 "priority": "%s", "due_date": %s, "tags": [%s]}"""
			.formatted(title, title.toLowerCase(java.util.Locale.ROOT), pick(PRIORITIES), due, tagList);
	}

	static <T> T pick(List<T> values) {
		return values.get(ThreadLocalRandom.current().nextInt(values.size()));
	}

}
