package app.todo.task;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import app.todo.ApiTestSupport;
import app.todo.security.Caller;
import app.todo.task.TaskListQuery.Position;
import app.todo.task.TaskListQuery.Status;
import app.todo.task.TaskRepository.PageRow;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SQL of {@link TaskRepository}, on the real PostgreSQL of the shared test context:
 * provisioning of users rows, confinement to the owner, the values an update writes,
 * pages and their positions, and what the schema itself refuses.
 */
class TaskRepositoryTests extends ApiTestSupport {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final JsonMapper json = JsonMapper.builder().build();

	@Autowired
	private TaskRepository repository;

	@Autowired
	private DatabaseClient db;

	// insert and the users row

	@Test
	void insertWhenFirstTaskOfUserThenProvisionsUsersRowWithEmailAndName() {
		String user = newUser();
		StepVerifier.create(this.repository.insert(new Caller(user, "alice@example.com", "Alice"), changes("""
				{"title": "  Buy milk ", "description": "Oat", "priority": "high", "due_date": "2026-12-01",
				 "tags": ["Home", "errand", "home"]}"""))).assertNext((task) -> {
			assertThat(task.id()).isPositive();
			assertThat(task.userId()).isEqualTo(user);
			assertThat(task.title()).isEqualTo("Buy milk");
			assertThat(task.description()).isEqualTo("Oat");
			assertThat(task.completed()).isFalse();
			assertThat(task.completedAt()).isNull();
			assertThat(task.priority()).isEqualTo(Priority.HIGH);
			assertThat(task.dueDate()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
			assertThat(task.tags()).containsExactly("home", "errand");
			assertThat(task.version()).isEqualTo(1);
			assertThat(task.createdAt()).isNotNull().isEqualTo(task.updatedAt());
		}).expectComplete().verify(TIMEOUT);
		StepVerifier.create(users(user))
			.expectNext(List.of(user, "alice@example.com", "Alice"))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void insertWhenCallerHasNoEmailOrNameThenProvisionsUsersRowWithNulls() {
		String user = newUser();
		StepVerifier.create(this.repository.insert(new Caller(user, null, null), changes("{\"title\": \"t\"}")))
			.expectNextCount(1)
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(users(user)).expectNext(Arrays.asList(user, null, null)).expectComplete().verify(TIMEOUT);
	}

	@Test
	void insertWhenUserAlreadyProvisionedThenSucceedsAndKeepsOneUsersRow() {
		String user = newUser();
		Mono<Task> first = this.repository.insert(new Caller(user, "alice@example.com", "Alice"),
				changes("{\"title\": \"one\"}"));
		Mono<Task> second = this.repository.insert(new Caller(user, "alice@new.example.com", "Alice B."),
				changes("{\"title\": \"two\"}"));
		StepVerifier.create(first.then(second))
			.assertNext((task) -> assertThat(task.title()).isEqualTo("two"))
			.expectComplete()
			.verify(TIMEOUT);
		// ON CONFLICT DO NOTHING: the row written with the first task stays as it was
		StepVerifier.create(users(user))
			.expectNext(List.of(user, "alice@example.com", "Alice"))
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(countTasks(user)).expectNext(2L).expectComplete().verify(TIMEOUT);
	}

	@Test
	void insertWhenManyConcurrentFirstInsertsForOneNewUserThenAllSucceedAndOneUsersRow() {
		String user = newUser();
		Caller caller = new Caller(user, "race@example.com", "Racer");
		StepVerifier
			.create(Flux.range(0, 20)
				.flatMap((i) -> this.repository.insert(caller, changes("{\"title\": \"task " + i + "\"}")), 20)
				.map(Task::id)
				.collect(Collectors.toSet()))
			.assertNext((ids) -> assertThat(ids).hasSize(20))
			.expectComplete()
			.verify(Duration.ofSeconds(30));
		StepVerifier.create(users(user)).expectNextCount(1).expectComplete().verify(TIMEOUT);
		StepVerifier.create(countTasks(user)).expectNext(20L).expectComplete().verify(TIMEOUT);
	}

	// another owner's id

	@Test
	void findWhenOtherOwnerThenEmpty() {
		Task task = insert(newUser(), "{\"title\": \"mine\"}");
		String other = newUser();
		insert(other, "{\"title\": \"theirs\"}");
		StepVerifier.create(this.repository.find(other, task.id())).expectComplete().verify(TIMEOUT);
		StepVerifier.create(this.repository.find(task.userId(), task.id()))
			.expectNext(task)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void findWhenNoSuchTaskThenEmpty() {
		Task task = insert(newUser(), "{\"title\": \"mine\"}");
		StepVerifier.create(this.repository.find(task.userId(), Long.MAX_VALUE)).expectComplete().verify(TIMEOUT);
	}

	@Test
	void updateWhenOtherOwnerThenEmptyAndTaskUnchanged() {
		Task task = insert(newUser(), "{\"title\": \"mine\", \"priority\": \"low\"}");
		String other = newUser();
		insert(other, "{\"title\": \"theirs\"}");
		StepVerifier
			.create(this.repository.update(other, task.id(), patch("{\"title\": \"stolen\", \"completed\": true}")))
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(this.repository.update(newUser(), task.id(), replacement("{\"title\": \"stolen\"}")))
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(this.repository.find(task.userId(), task.id()))
			.expectNext(task)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void toggleCompletedWhenOtherOwnerThenEmptyAndTaskUnchanged() {
		Task task = insert(newUser(), "{\"title\": \"mine\"}");
		String other = newUser();
		insert(other, "{\"title\": \"theirs\"}");
		StepVerifier.create(this.repository.toggleCompleted(other, task.id())).expectComplete().verify(TIMEOUT);
		StepVerifier.create(this.repository.find(task.userId(), task.id()))
			.expectNext(task)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void deleteWhenOtherOwnerThenFalseAndTaskKept() {
		Task task = insert(newUser(), "{\"title\": \"mine\"}");
		String other = newUser();
		insert(other, "{\"title\": \"theirs\"}");
		StepVerifier.create(this.repository.delete(other, task.id()))
			.expectNext(false)
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(this.repository.find(task.userId(), task.id()))
			.expectNext(task)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void deleteWhenOwnerThenTrueOnceThenFalse() {
		Task task = insert(newUser(), "{\"title\": \"mine\"}");
		StepVerifier
			.create(this.repository.delete(task.userId(), task.id())
				.concatWith(this.repository.delete(task.userId(), task.id())))
			.expectNext(true, false)
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(this.repository.find(task.userId(), task.id())).expectComplete().verify(TIMEOUT);
	}

	// what an update writes

	@Test
	void updateWhenMergePatchThenWritesOnlyNamedMembersAndCountsAVersion() {
		Task before = insert(newUser(), """
				{"title": "Report", "description": "Q4", "priority": "low", "due_date": "2026-12-01T17:00:00Z",
				 "tags": ["a", "b"]}""");
		StepVerifier
			.create(this.repository.update(before.userId(), before.id(),
					patch("{\"description\": null, \"priority\": \"high\", \"tags\": [\" X \"]}")))
			.assertNext((task) -> {
				assertThat(task.id()).isEqualTo(before.id());
				assertThat(task.userId()).isEqualTo(before.userId());
				assertThat(task.title()).isEqualTo("Report");
				assertThat(task.description()).isNull();
				assertThat(task.priority()).isEqualTo(Priority.HIGH);
				assertThat(task.dueDate()).isEqualTo(Instant.parse("2026-12-01T17:00:00Z"));
				assertThat(task.tags()).containsExactly("x");
				assertThat(task.completed()).isFalse();
				assertThat(task.completedAt()).isNull();
				assertThat(task.version()).isEqualTo(2);
				assertThat(task.createdAt()).isEqualTo(before.createdAt());
				assertThat(task.updatedAt()).isAfter(before.updatedAt());
			})
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier
			.create(this.repository.update(before.userId(), before.id(), patch("{\"due_date\": null, \"tags\": null}")))
			.assertNext((task) -> {
				assertThat(task.dueDate()).isNull();
				assertThat(task.tags()).isEmpty();
				assertThat(task.priority()).isEqualTo(Priority.HIGH);
				assertThat(task.version()).isEqualTo(3);
			})
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void updateWhenAllMembersThenAbsentMembersTakeTheirDefaults() {
		Task before = insert(newUser(), """
				{"title": "Draft", "description": "x", "priority": "high", "due_date": "2026-12-01",
				 "tags": ["a"], "completed": true}""");
		assertThat(before.completedAt()).isNotNull();
		StepVerifier.create(this.repository.update(before.userId(), before.id(), replacement("{\"title\": \"Final\"}")))
			.assertNext((task) -> {
				assertThat(task.title()).isEqualTo("Final");
				assertThat(task.description()).isNull();
				assertThat(task.priority()).isEqualTo(Priority.MEDIUM);
				assertThat(task.dueDate()).isNull();
				assertThat(task.tags()).isEmpty();
				assertThat(task.completed()).isFalse();
				assertThat(task.completedAt()).isNull();
				assertThat(task.version()).isEqualTo(2);
			})
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void updateWhenCompletedThenSetsCompletedAtOnceKeepsItAndClearsIt() {
		Task before = insert(newUser(), "{\"title\": \"Taxes\"}");
		Task completed = this.repository.update(before.userId(), before.id(), patch("{\"completed\": true}"))
			.block(TIMEOUT);
		assertThat(completed).isNotNull();
		assertThat(completed.completed()).isTrue();
		assertThat(completed.completedAt()).isNotNull().isAfterOrEqualTo(before.createdAt());
		assertThat(completed.version()).isEqualTo(2);
		StepVerifier
			.create(this.repository.update(before.userId(), before.id(),
					TaskChanges.completion(node("{\"completed\": true}"))))
			.assertNext((task) -> {
				assertThat(task.completed()).isTrue();
				assertThat(task.completedAt()).isEqualTo(completed.completedAt());
				assertThat(task.version()).isEqualTo(3);
			})
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(this.repository.update(before.userId(), before.id(), patch("{\"completed\": false}")))
			.assertNext((task) -> {
				assertThat(task.completed()).isFalse();
				assertThat(task.completedAt()).isNull();
				assertThat(task.version()).isEqualTo(4);
			})
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void updateWhenNoSuchTaskThenEmpty() {
		Task task = insert(newUser(), "{\"title\": \"mine\"}");
		StepVerifier.create(this.repository.update(task.userId(), Long.MAX_VALUE, patch("{\"title\": \"x\"}")))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void toggleCompletedSetsThenClearsCompletedAtAndCountsVersions() {
		Task before = insert(newUser(), "{\"title\": \"Water plants\"}");
		StepVerifier.create(this.repository.toggleCompleted(before.userId(), before.id())).assertNext((task) -> {
			assertThat(task.completed()).isTrue();
			assertThat(task.completedAt()).isNotNull().isAfterOrEqualTo(before.createdAt());
			assertThat(task.updatedAt()).isEqualTo(task.completedAt());
			assertThat(task.version()).isEqualTo(2);
			assertThat(task.title()).isEqualTo("Water plants");
		}).expectComplete().verify(TIMEOUT);
		StepVerifier.create(this.repository.toggleCompleted(before.userId(), before.id())).assertNext((task) -> {
			assertThat(task.completed()).isFalse();
			assertThat(task.completedAt()).isNull();
			assertThat(task.version()).isEqualTo(3);
		}).expectComplete().verify(TIMEOUT);
	}

	// pages

	@Test
	void findPageWhenMoreRowsFollowThenEveryRowCarriesThePositionOfTheLastTaskOfThePage() {
		String user = newUser();
		List<Task> tasks = insertAll(user, "t0", "t1", "t2", "t3", "t4");
		// Newest first: t4, t3 | t2, t1 | t0
		List<PageRow> first = page(user, query(Status.ALL, TaskSort.DEFAULT, 2, null));
		assertThat(titles(first)).containsExactly("t4", "t3");
		Position afterFirst = new Position(tasks.get(3).createdAt(), tasks.get(3).id());
		assertThat(first).extracting(PageRow::next).containsOnly(afterFirst);

		List<PageRow> second = page(user, query(Status.ALL, TaskSort.DEFAULT, 2, afterFirst));
		assertThat(titles(second)).containsExactly("t2", "t1");
		Position afterSecond = new Position(tasks.get(1).createdAt(), tasks.get(1).id());
		assertThat(second).extracting(PageRow::next).containsOnly(afterSecond);

		List<PageRow> third = page(user, query(Status.ALL, TaskSort.DEFAULT, 2, afterSecond));
		assertThat(titles(third)).containsExactly("t0");
		assertThat(third).extracting(PageRow::next).containsOnlyNulls();
	}

	@Test
	void findPageWhenExactlyLimitRowsThenNoPosition() {
		String user = newUser();
		insertAll(user, "t0", "t1", "t2");
		List<PageRow> rows = page(user,
				query(Status.ALL, TaskListParameters.sort("created_at").orElseThrow(), 3, null));
		assertThat(titles(rows)).containsExactly("t0", "t1", "t2");
		assertThat(rows).extracting(PageRow::next).containsOnlyNulls();
		StepVerifier.create(this.repository.findPage(newUser(), query(Status.ALL, TaskSort.DEFAULT, 3, null)))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void findPageWhenMoreTasksFollowThenReturnsLimitTasksAndCompletes() {
		String user = newUser();
		insertAll(user, "t0", "t1", "t2", "t3");
		TaskListQuery query = query(Status.ALL, TaskListParameters.sort("created_at").orElseThrow(), 3, null);
		StepVerifier.create(this.repository.findPage(user, query).map((row) -> row.task().title()))
			.expectNext("t0", "t1", "t2")
			.expectComplete()
			.verify(TIMEOUT);
		// The connection went back to the pool in a usable state
		StepVerifier.create(countTasks(user)).expectNext(4L).expectComplete().verify(TIMEOUT);
	}

	@Test
	void findPageFiltersByStatus() {
		String user = newUser();
		insert(user, "{\"title\": \"open\"}");
		insert(user, "{\"title\": \"done\", \"completed\": true}");
		insert(user, "{\"title\": \"open too\"}");
		assertThat(titles(page(user, query(Status.PENDING, TaskSort.DEFAULT, 10, null)))).containsExactly("open too",
				"open");
		assertThat(titles(page(user, query(Status.COMPLETED, TaskSort.DEFAULT, 10, null)))).containsExactly("done");
		assertThat(titles(page(user, query(Status.ALL, TaskSort.DEFAULT, 10, null)))).containsExactly("open too",
				"done", "open");
		// Paging within a status: the position counts only pending tasks
		List<PageRow> pending = page(user, query(Status.PENDING, TaskSort.DEFAULT, 1, null));
		assertThat(titles(pending)).containsExactly("open too");
		assertThat(titles(page(user, query(Status.PENDING, TaskSort.DEFAULT, 1, pending.get(0).next()))))
			.containsExactly("open");
	}

	@Test
	void findPageSortsTitlesIgnoringCaseWithTiesBrokenById() {
		String user = newUser();
		insertAll(user, "b", "B", "a", "c");
		assertThat(titles(page(user, query(Status.ALL, TaskListParameters.sort("title").orElseThrow(), 10, null))))
			.containsExactly("a", "b", "B", "c");
		assertThat(titles(page(user, query(Status.ALL, TaskListParameters.sort("-title").orElseThrow(), 10, null))))
			.containsExactly("c", "B", "b", "a");
		// A position between the two equal keys continues with the other one
		List<PageRow> first = page(user, query(Status.ALL, TaskListParameters.sort("title").orElseThrow(), 2, null));
		assertThat(first.get(0).next()).isNotNull();
		assertThat(first.get(0).next().value()).isEqualTo("b");
		assertThat(titles(
				page(user, query(Status.ALL, TaskListParameters.sort("title").orElseThrow(), 2, first.get(0).next()))))
			.containsExactly("B", "c");
	}

	@Test
	void findPageWhenPositionHasNoDueDateThenContinuesAmongTasksWithoutOne() {
		String user = newUser();
		insert(user, "{\"title\": \"none 1\"}");
		insert(user, "{\"title\": \"dec 2\", \"due_date\": \"2026-12-02\"}");
		insert(user, "{\"title\": \"none 2\"}");
		insert(user, "{\"title\": \"dec 1\", \"due_date\": \"2026-12-01\"}");
		TaskSort ascending = TaskListParameters.sort("due_date").orElseThrow();
		TaskSort descending = TaskListParameters.sort("-due_date").orElseThrow();
		assertThat(walk(user, Status.ALL, ascending, 3)).containsExactly("dec 1", "dec 2", "none 1", "none 2");
		assertThat(walk(user, Status.ALL, descending, 3)).containsExactly("dec 2", "dec 1", "none 2", "none 1");
		assertThat(walk(user, Status.ALL, ascending, 1)).containsExactly("dec 1", "dec 2", "none 1", "none 2");
		assertThat(walk(user, Status.ALL, descending, 1)).containsExactly("dec 2", "dec 1", "none 2", "none 1");
	}

	@Test
	void findPageWhenPagingByEverySortThenVisitsEveryTaskOnceInOrder() {
		String user = newUser();
		insert(user, "{\"title\": \"e\", \"priority\": \"low\", \"due_date\": \"2026-12-03\"}");
		insert(user, "{\"title\": \"D\", \"priority\": \"high\"}");
		insert(user, "{\"title\": \"c\", \"priority\": \"low\", \"due_date\": \"2026-12-01\"}");
		insert(user, "{\"title\": \"b\", \"priority\": \"medium\"}");
		insert(user, "{\"title\": \"a\", \"priority\": \"high\", \"due_date\": \"2026-12-02\"}");
		for (String sort : List.of("created_at", "-created_at", "updated_at", "-updated_at", "due_date", "-due_date",
				"priority", "-priority", "title", "-title")) {
			TaskSort taskSort = TaskListParameters.sort(sort).orElseThrow();
			List<String> whole = titles(page(user, query(Status.ALL, taskSort, 200, null)));
			assertThat(whole).as(sort).hasSize(5);
			for (int limit = 1; limit <= 5; limit++) {
				assertThat(walk(user, Status.ALL, taskSort, limit)).as(sort + " by " + limit).isEqualTo(whole);
			}
		}
		assertThat(titles(page(user, query(Status.ALL, TaskListParameters.sort("priority").orElseThrow(), 200, null))))
			.containsExactly("e", "c", "b", "D", "a");
	}

	@Test
	void findPageWhenOtherUsersHaveTasksThenNeverReturnsThem() {
		String alice = newUser();
		String bob = newUser();
		List<Long> alices = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			String completed = (i == 0) ? ", \"completed\": true" : "";
			alices.add(insert(alice, "{\"title\": \"alice " + i + "\"" + completed + "}").id());
			insert(bob, "{\"title\": \"bob " + i + "\"" + completed + "}");
		}
		for (Status status : Status.values()) {
			List<PageRow> rows = page(alice, query(status, TaskSort.DEFAULT, 200, null));
			assertThat(rows).as(status.name())
				.isNotEmpty()
				.allSatisfy((row) -> assertThat(row.task().userId()).isEqualTo(alice));
		}
		List<Long> seen = new ArrayList<>();
		Position after = null;
		do {
			List<PageRow> rows = page(alice, query(Status.ALL, TaskSort.DEFAULT, 1, after));
			assertThat(rows).extracting((row) -> row.task().userId()).containsOnly(alice);
			seen.add(rows.get(0).task().id());
			after = rows.get(0).next();
		}
		while (after != null);
		Collections.reverse(alices);
		assertThat(seen).containsExactlyElementsOf(alices);
		// A position taken from another user's page finds nothing of that user
		Task bobsNewest = page(bob, query(Status.ALL, TaskSort.DEFAULT, 1, null)).get(0).task();
		Position bobsPosition = new Position(bobsNewest.createdAt(), bobsNewest.id());
		assertThat(page(alice, query(Status.ALL, TaskSort.DEFAULT, 200, bobsPosition)))
			.extracting((row) -> row.task().userId())
			.containsOnly(alice);
	}

	// the schema

	@Test
	void deletingAUsersRowDeletesTheirTasks() {
		String user = newUser();
		Task one = insert(user, "{\"title\": \"one\"}");
		insert(user, "{\"title\": \"two\"}");
		Task others = insert(newUser(), "{\"title\": \"someone else's\"}");
		StepVerifier.create(this.db.sql("DELETE FROM users WHERE id = :id").bind("id", user).fetch().rowsUpdated())
			.expectNext(1L)
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(countTasks(user)).expectNext(0L).expectComplete().verify(TIMEOUT);
		StepVerifier.create(this.repository.find(user, one.id())).expectComplete().verify(TIMEOUT);
		StepVerifier.create(this.repository.find(others.userId(), others.id()))
			.expectNext(others)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@ParameterizedTest
	@ValueSource(strings = { "'done', true, NULL, 1, '{}'", "'open', false, now(), 1, '{}'",
			"'x', false, NULL, 3, '{}'", "'x', false, NULL, -1, '{}'", "'', false, NULL, 1, '{}'",
			"'x', false, NULL, 1, '{t1,t2,t3,t4,t5,t6,t7,t8,t9,t10,t11,t12,t13,t14,t15,t16,t17,t18,t19,t20,t21}'" })
	void databaseRefusesATaskThatBreaksACheckConstraint(String values) {
		String user = newUser();
		insert(user, "{\"title\": \"provisions the user\"}");
		StepVerifier
			.create(this.db
				.sql("INSERT INTO tasks (user_id, title, completed, completed_at, priority, tags) VALUES (:userId, "
						+ values + ")")
				.bind("userId", user)
				.fetch()
				.rowsUpdated())
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(DataIntegrityViolationException.class)
				.hasMessageContaining("check constraint"))
			.verify(TIMEOUT);
		StepVerifier.create(countTasks(user)).expectNext(1L).expectComplete().verify(TIMEOUT);
	}

	@Test
	void databaseRefusesATaskOfAnUnknownUser() {
		String user = newUser();
		StepVerifier
			.create(this.db.sql("INSERT INTO tasks (user_id, title) VALUES (:userId, 'orphan')")
				.bind("userId", user)
				.fetch()
				.rowsUpdated())
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(DataIntegrityViolationException.class)
				.hasMessageContaining("foreign key"))
			.verify(TIMEOUT);
		StepVerifier.create(countTasks(user)).expectNext(0L).expectComplete().verify(TIMEOUT);
	}

	// helpers

	private static JsonNode node(String body) {
		return json.readTree(body);
	}

	private static TaskChanges changes(String body) {
		return TaskChanges.allMembers(node(body));
	}

	private static TaskChanges replacement(String body) {
		return TaskChanges.allMembers(node(body));
	}

	private static TaskChanges patch(String body) {
		return TaskChanges.mergePatch(node(body));
	}

	private static TaskListQuery query(Status status, TaskSort sort, int limit, @Nullable Position after) {
		return new TaskListQuery(status, sort, limit, 0, TaskFilters.NONE, after);
	}

	/** Inserts on the test thread: these are the givens of a test, not what it checks. */
	private Task insert(String user, String body) {
		Task task = this.repository.insert(new Caller(user, null, null), changes(body)).block(TIMEOUT);
		assertThat(task).isNotNull();
		return task;
	}

	/**
	 * One task per title, one after the other, so that their created_at are in this
	 * order.
	 */
	private List<Task> insertAll(String user, String... titles) {
		List<Task> tasks = new ArrayList<>();
		for (String title : titles) {
			tasks.add(insert(user, "{\"title\": \"" + title + "\"}"));
		}
		return tasks;
	}

	private List<PageRow> page(String user, TaskListQuery query) {
		List<PageRow> rows = this.repository.findPage(user, query).collectList().block(TIMEOUT);
		assertThat(rows).isNotNull().hasSizeLessThanOrEqualTo(query.limit());
		return rows;
	}

	/**
	 * Every page of a query, as the handler serves them, checking each position on the
	 * way.
	 */
	private List<String> walk(String user, Status status, TaskSort sort, int limit) {
		List<String> titles = new ArrayList<>();
		Position after = null;
		for (int pages = 0; pages < 100; pages++) {
			List<PageRow> rows = page(user, query(status, sort, limit, after));
			Set<Position> positions = rows.stream().map(PageRow::next).collect(Collectors.toSet());
			assertThat(positions).as("one position per page").hasSizeLessThanOrEqualTo(1);
			Position next = rows.isEmpty() ? null : rows.get(0).next();
			titles.addAll(titles(rows));
			if (next == null) {
				return titles;
			}
			assertThat(rows).as("a page with a next position is full").hasSize(limit);
			Task last = rows.get(rows.size() - 1).task();
			assertThat(next.id()).isEqualTo(last.id());
			assertThat(next.value()).isEqualTo(sortValue(sort, last));
			after = next;
		}
		throw new AssertionError("more than 100 pages");
	}

	private static @Nullable Object sortValue(TaskSort sort, Task task) {
		return switch (sort.field()) {
			case CREATED_AT -> task.createdAt();
			case UPDATED_AT -> task.updatedAt();
			case DUE_DATE -> task.dueDate();
			case PRIORITY -> task.priority().code();
			case TITLE -> task.title();
		};
	}

	private static List<String> titles(List<PageRow> rows) {
		return rows.stream().map((row) -> row.task().title()).toList();
	}

	private Flux<List<@Nullable String>> users(String user) {
		return this.db.sql("SELECT id, email, name FROM users WHERE id = :id")
			.bind("id", user)
			.map((row) -> Arrays.asList(row.get("id", String.class), row.get("email", String.class),
					row.get("name", String.class)))
			.all();
	}

	private Mono<Long> countTasks(String user) {
		return this.db.sql("SELECT count(*) AS n FROM tasks WHERE user_id = :id")
			.bind("id", user)
			.map((row) -> row.get("n", Long.class))
			.one();
	}

}
