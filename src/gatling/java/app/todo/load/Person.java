package app.todo.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One person of the load test: a token, and the ids of the tasks this run created for them (the
 * only tasks the mix writes to and the clean-up deletes, so that a person from a CSV file keeps
 * the tasks they had). {@code fresh} people were made by this run (minted or signed up): all
 * their tasks are the run's.
 */
final class Person {

	private final String token;

	private final String name;

	private final boolean fresh;

	private final List<Long> ids = new ArrayList<>();

	Person(String token, String name, boolean fresh) {
		this.token = token;
		this.name = name;
		this.fresh = fresh;
	}

	String token() {
		return this.token;
	}

	String name() {
		return this.name;
	}

	boolean fresh() {
		return this.fresh;
	}

	synchronized void add(long id) {
		this.ids.add(id);
	}

	synchronized void remove(long id) {
		this.ids.remove(id);
	}

	synchronized int size() {
		return this.ids.size();
	}

	synchronized List<Long> ids() {
		return List.copyOf(this.ids);
	}

	/** One of the run's tasks of this person, or 0 when there is none. */
	synchronized long anyId() {
		return this.ids.isEmpty() ? 0 : this.ids.get(ThreadLocalRandom.current().nextInt(this.ids.size()));
	}

}
