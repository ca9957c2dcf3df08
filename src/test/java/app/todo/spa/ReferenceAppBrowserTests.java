package app.todo.spa;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

import app.todo.ApiTestSupport;

import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reference app in a real browser (Debian's headless chromium through chromedriver),
 * against the whole API on a random port, its real security chain and PostgreSQL, with
 * the development run's {@code dev} profile that serves the app. Each test signs up a
 * user of its own through the page. Skipped where chromium or chromedriver is missing.
 */
@ActiveProfiles("dev")
@EnabledIf(value = "browserInstalled",
		disabledReason = "Browser tests skipped: no /usr/bin/chromium or /usr/bin/chromedriver. To run them: "
				+ "apt-get install chromium chromium-driver (or point -Dchromium.binary and -Dchromedriver at a "
				+ "Chromium and its driver).")
class ReferenceAppBrowserTests extends ApiTestSupport {

	private static final Path CHROMIUM = Paths.get(System.getProperty("chromium.binary", "/usr/bin/chromium"));

	private static final Path CHROMEDRIVER = Paths.get(System.getProperty("chromedriver", "/usr/bin/chromedriver"));

	private static final Log logger = LogFactory.getLog(ReferenceAppBrowserTests.class);

	private static final String PASSWORD = "correct horse battery staple";

	private static final Duration LIVE = Duration.ofSeconds(1);

	private static Path profile;

	private static ChromeDriver browser;

	private static String firstWindow;

	/** The window WebDriver is switched to. */
	private static String currentWindow;

	@LocalServerPort
	private int port;

	/** Debian's chromium and chromium-driver, or those named by the system properties. */
	static boolean browserInstalled() {
		return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
	}

	@BeforeAll
	static void startBrowser() throws IOException {
		Logger.getLogger("org.openqa.selenium").setLevel(Level.SEVERE);
		profile = Files.createTempDirectory("chromium-profile");
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--disable-dev-shm-usage", "--window-size=900,760", "--user-data-dir=" + profile);
		options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(new File(CHROMEDRIVER.toString()))
			.usingAnyFreePort()
			.build();
		browser = new ChromeDriver(service, options);
		firstWindow = browser.getWindowHandle();
	}

	@AfterAll
	static void stopBrowser() {
		if (browser != null) {
			browser.quit();
		}
		if (profile != null) {
			FileSystemUtils.deleteRecursively(profile.toFile());
		}
	}

	/**
	 * Each test in fresh windows (a new tab has its own sessionStorage, so no token) and
	 * without cookies (so no refresh cookie of an earlier test's session).
	 */
	@BeforeEach
	void newWindow() {
		browser.executeCdpCommand("Network.clearBrowserCookies", Map.of());
		browser.switchTo().newWindow(WindowType.WINDOW);
	}

	/**
	 * Closes the test's windows; fails on a script error or a Content-Security-Policy
	 * violation that any window logged.
	 */
	@AfterEach
	void closeWindowsAndCheckTheConsole() {
		List<String> problems = new ArrayList<>();
		for (String window : browser.getWindowHandles()) {
			if (!window.equals(firstWindow)) {
				browser.switchTo().window(window);
				browser.manage()
					.logs()
					.get(LogType.BROWSER)
					.getAll()
					.stream()
					.map(LogEntry::getMessage)
					.filter((message) -> message.contains("Content Security Policy") || message.contains("Uncaught"))
					.forEach(problems::add);
				browser.close();
			}
		}
		browser.switchTo().window(firstWindow);
		currentWindow = firstWindow;
		assertThat(problems).as("script errors and policy violations in the console").isEmpty();
	}

	@Test
	void signUpAddTickFilterAndClearThenThePageAndTheApiAgree() throws IOException {
		Page page = open();
		String email = "alice@example.com"; // the one test of this address, in the
											// screenshot
		page.signUp(email);
		page.addTask("Call the plumber", "medium", "house");
		page.set("#new-due", "2026-12-24");
		page.addTask("Buy milk", "high", "home, errands");
		page.set("#new-due", "2026-11-30");
		page.addTask("Pay the invoice", "low", "work");
		page.waitForTitles("Pay the invoice", "Buy milk", "Call the plumber");
		assertThat(page.text("#who")).isEqualTo(email);

		page.tick("Buy milk");
		page.waitUntil(() -> page.row("Buy milk").getDomAttribute("class").contains("done"));
		String token = page.token();
		withToken(token).get()
			.uri("/api/tasks?status=completed")
			.exchange()
			.expectBody()
			.jsonPath("$[*].title")
			.isEqualTo(List.of("Buy milk"));
		screenshot();

		// A reload keeps the session (sessionStorage) and shows what the API has
		browser.navigate().refresh();
		page.waitForTitles("Pay the invoice", "Buy milk", "Call the plumber");
		page.waitUntil(() -> page.row("Buy milk").getDomAttribute("class").contains("done"));

		page.type("#q", "plumb");
		page.waitForTitles("Call the plumber");
		page.type("#q", "");
		page.set("#status", "pending");
		page.waitForTitles("Pay the invoice", "Call the plumber");
		page.set("#status", "all");
		page.set("#priority", "high");
		page.waitForTitles("Buy milk");
		page.set("#priority", "");
		page.type("#tag", "WORK");
		page.waitForTitles("Pay the invoice");
		page.type("#tag", "");
		page.waitForTitles("Pay the invoice", "Buy milk", "Call the plumber");

		page.click("#clear-completed");
		page.waitForTitles("Pay the invoice", "Call the plumber");
		withToken(token).get().uri("/api/tasks").exchange().expectBody().jsonPath("$.length()").isEqualTo(2);

		page.click("li.task[data-title='Call the plumber'] .delete");
		page.waitForTitles("Pay the invoice");
	}

	@Test
	void listWhenLongerThanAPageThenLoadMoreFollowsTheLinkHeader() {
		Page page = open();
		page.signUp();
		String token = page.token();
		for (int i = 1; i <= 25; i++) {
			withToken(token).post()
				.uri("/api/tasks")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"title\": \"Task " + i + "\"}")
				.exchange()
				.expectStatus()
				.isCreated();
		}
		browser.navigate().refresh();
		page.waitUntil(() -> page.titles().size() == 20 && page.visible("#more"));
		assertThat(page.titles().get(0)).isEqualTo("Task 25");
		page.click("#more");
		page.waitUntil(() -> page.titles().size() == 25 && !page.visible("#more"));
		assertThat(page.titles().get(24)).isEqualTo("Task 1");
	}

	@Test
	void editWhenAnotherSessionChangedTheTaskFirstThenThePageShowsTheConflictAndReloads() {
		Page page = open();
		page.signUp();
		page.addTask("Call the plumber", "medium", "");
		page.waitForTitles("Call the plumber");
		page.click("li.task[data-title='Call the plumber'] .edit");
		page.waitUntil(() -> page.visible("#edit"));
		assertThat(page.value("#edit-title")).isEqualTo("Call the plumber");

		// Another session of the same user changes the task while the dialog is open
		long id = Long.parseLong(page.row("Call the plumber").getDomAttribute("data-id"));
		withToken(page.token()).patch()
			.uri("/api/tasks/" + id)
			.contentType(MediaType.valueOf("application/merge-patch+json"))
			.bodyValue("{\"title\": \"Call the plumber today\"}")
			.exchange()
			.expectStatus()
			.isOk();

		page.type("#edit-title", "Call the electrician");
		page.click("#edit-save");
		page.waitUntil(() -> page.visible("#conflict"));
		assertThat(page.text("#conflict")).contains("changed somewhere else", "not saved");
		assertThat(page.visible("#edit")).isTrue();
		withToken(page.token()).get()
			.uri("/api/tasks/" + id)
			.exchange()
			.expectBody()
			.jsonPath("$.title")
			.isEqualTo("Call the plumber today");

		page.click("#reload-task");
		page.waitUntil(() -> "Call the plumber today".equals(page.value("#edit-title")) && !page.visible("#conflict"));
		page.type("#edit-title", "Call the electrician");
		page.click("#edit-save");
		page.waitUntil(() -> !page.visible("#edit"));
		page.waitForTitles("Call the electrician");
	}

	@Test
	void twoWindowsOfOneUserWhenOneChangesATaskThenTheOtherShowsItWithinASecond() {
		Page first = open();
		String email = first.signUp();
		first.waitUntil(first::live);
		browser.switchTo().newWindow(WindowType.WINDOW);
		// Signed in by the session's refresh cookie, with no password
		Page second = open();
		second.waitUntil(() -> second.visible("#tasks") && email.equals(second.text("#who")));
		second.waitUntil(second::live);
		String row = "li.task[data-title='Water the plants']";

		second.watchFor(row, true);
		first.type("#new-title", "Water the plants");
		long clicked = first.clickNow("#add");
		long added = second.seenAt() - clicked;
		assertThat(added).as("ms from Add in one window to the task in the other").isLessThan(LIVE.toMillis());

		first.watchFor(row + ".done", true);
		clicked = second.clickNow(row + " .toggle");
		long ticked = first.seenAt() - clicked;
		assertThat(ticked).as("ms from ticking in one window to the tick in the other").isLessThan(LIVE.toMillis());

		second.watchFor(row, false);
		clicked = first.clickNow(row + " .delete");
		long deleted = second.seenAt() - clicked;
		assertThat(deleted).as("ms from Delete in one window to its removal in the other").isLessThan(LIVE.toMillis());
		assertThat(second.titles()).isEmpty();
		logger.info("Live between two windows of one user: added in " + added + " ms, ticked in " + ticked
				+ " ms, deleted in " + deleted + " ms");
	}

	@Test
	void pasteTokenWhenTheApiAcceptsItThenSignedInAndWhenNotThenItsProblemIsShown() {
		Page page = open();
		page.click("#auth summary");
		page.type("#token", "not-a-token");
		page.click("#token-form button");
		page.waitUntil(() -> page.visible("#problem"));
		assertThat(page.text("#problem")).contains("The bearer token is invalid or has expired.");

		String user = newUser();
		page.type("#token", identityProvider.hs256(user));
		page.click("#token-form button");
		page.waitUntil(() -> page.visible("#tasks"));
		assertThat(page.text("#who")).isEqualTo(user);
		assertThat(page.visible("#problem")).isFalse();
	}

	@Test
	void signUpWhenTheApiRefusesTheMembersThenEachProblemIsListed() {
		Page page = open();
		page.type("#email", "someone-" + UUID.randomUUID() + "@example.com");
		page.type("#password", "short");
		page.click("#sign-up");
		page.waitUntil(() -> page.visible("#problem"));
		assertThat(page.text("#problem .problem-errors")).contains("password", "name");
		assertThat(page.visible("#tasks")).isFalse();
	}

	@Test
	void requestWhenTheAccessTokenIsNoLongerAcceptedThenTheRefreshCookieGetsANewOneAndTheRequestIsSentAgain() {
		Page page = open();
		String email = page.signUp();
		String first = page.token();
		assertThat(page.cookies()).as("the refresh cookie is HttpOnly").doesNotContain("todo_refresh");
		page.setToken(first.substring(0, first.length() - 4) + (first.endsWith("AAAA") ? "BBBB" : "AAAA"));

		page.addTask("Written after the token expired", "medium", "");

		String second = page.token();
		assertThat(second).isNotEqualTo(first);
		withToken(second).get()
			.uri("/api/tasks")
			.exchange()
			.expectBody()
			.jsonPath("$[0].title")
			.isEqualTo("Written after the token expired");
		assertThat(page.visible("#problem")).isFalse();

		// A new window, with no token at all: the cookie signs it in
		browser.switchTo().newWindow(WindowType.WINDOW);
		Page other = open();
		other.waitUntil(() -> other.visible("#tasks") && email.equals(other.text("#who")));
		other.waitForTitles("Written after the token expired");
	}

	@Test
	void signOutWhenClickedThenTheSessionEndsForEveryWindowOfTheBrowser() {
		Page page = open();
		page.signUp();
		page.click("#sign-out");
		page.waitUntil(() -> page.visible("#auth"));
		assertThat(page.token()).isNull();
		browser.navigate().refresh();
		page.waitUntil(() -> page.visible("#auth"));
		assertThat(page.visible("#tasks")).isFalse();
	}

	@Test
	void signOutEverywhereWhenClickedThenSignedOutAndEveryEarlierTokenRefused() {
		Page page = open();
		page.signUp();
		String token = page.token();
		page.click("#account summary");
		page.click("#sign-out-everywhere");
		page.waitUntil(() -> page.visible("#auth"));
		assertThat(page.text("#problem")).contains("Signed out everywhere");
		withToken(token).get().uri("/api/me").exchange().expectStatus().isUnauthorized();
		browser.navigate().refresh();
		page.waitUntil(() -> page.visible("#auth"));
	}

	@Test
	void deleteAccountWhenConfirmedThenSignedOutAndTheAccountIsGoneAndWhenNotThenNothingHappens() {
		Page page = open();
		String email = page.signUp();
		page.addTask("Soon gone", "low", "");
		String token = page.token();
		page.click("#account summary");
		page.click("#delete-account");
		page.waitUntil(() -> isAlertPresent());
		assertThat(browser.switchTo().alert().getText()).contains("Delete your account");
		browser.switchTo().alert().dismiss();
		assertThat(page.visible("#tasks")).isTrue();
		withToken(token).get().uri("/api/tasks").exchange().expectStatus().isOk();

		page.click("#delete-account");
		page.waitUntil(() -> isAlertPresent());
		browser.switchTo().alert().accept();
		page.waitUntil(() -> page.visible("#auth"));
		assertThat(page.text("#problem")).contains("Your account was deleted");
		withToken(token).get().uri("/api/tasks").exchange().expectStatus().isUnauthorized();
		page.type("#email", email);
		page.type("#password", PASSWORD);
		page.click("#sign-in");
		page.waitUntil(() -> page.visible("#problem") && page.text("#problem").contains("wrong"));
	}

	@Test
	void exportWhenClickedThenTheBrowserSavesTheNdjsonOfEveryTask() throws IOException {
		Path downloads = Files.createTempDirectory("downloads");
		try {
			browser.executeCdpCommand("Browser.setDownloadBehavior",
					Map.of("behavior", "allow", "downloadPath", downloads.toString()));
			Page page = open();
			page.signUp();
			page.addTask("Take me along", "high", "moving");
			page.click("#account summary");
			page.click("#export");
			page.waitUntil(() -> exported(downloads) != null);
			Path file = exported(downloads);
			assertThat(file.getFileName().toString()).matches("todo-export-.*\\.ndjson");
			List<String> lines = Files.readAllLines(file);
			assertThat(lines).hasSize(2);
			assertThat(lines.get(0)).contains("\"format\":\"todo-export\"");
			assertThat(lines.get(1)).contains("\"title\":\"Take me along\"");
		}
		finally {
			FileSystemUtils.deleteRecursively(downloads.toFile());
		}
	}

	private static Path exported(Path downloads) {
		try (java.util.stream.Stream<Path> files = Files.list(downloads)) {
			return files.filter((file) -> file.toString().endsWith(".ndjson")).findFirst().orElse(null);
		}
		catch (IOException ex) {
			return null;
		}
	}

	private static boolean isAlertPresent() {
		try {
			browser.switchTo().alert();
			return true;
		}
		catch (org.openqa.selenium.NoAlertPresentException ex) {
			return false;
		}
	}

	/** The app in the window WebDriver is switched to. */
	private Page open() {
		currentWindow = browser.getWindowHandle();
		browser.get("http://localhost:" + this.port + "/app/");
		Page page = new Page();
		page.waitUntil(() -> page.visible("#auth") || page.visible("#tasks"));
		return page;
	}

	private org.springframework.test.web.reactive.server.WebTestClient withToken(String token) {
		return this.client.mutate().defaultHeaders((headers) -> headers.setBearerAuth(token)).build();
	}

	/** A small picture of the page for the docs: target/reference-app.png. */
	private static void screenshot() throws IOException {
		Path target = Paths.get("target", "reference-app.png");
		Files.createDirectories(target.getParent());
		Files.write(target, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
	}

	/**
	 * What a person does on the page, in the window it was opened in (each call first
	 * switches to it).
	 */
	private static final class Page {

		private final String window = browser.getWindowHandle();

		private final WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(10), Duration.ofMillis(20));

		private WebDriver driver() {
			if (!this.window.equals(currentWindow)) {
				browser.switchTo().window(this.window);
				currentWindow = this.window;
			}
			return browser;
		}

		private JavascriptExecutor script() {
			return (JavascriptExecutor) driver();
		}

		String signUp() {
			return signUp("reader-" + UUID.randomUUID() + "@example.com");
		}

		String signUp(String email) {
			type("#email", email);
			type("#password", PASSWORD);
			type("#name", "Reader");
			click("#sign-up");
			waitUntil(() -> visible("#tasks"));
			return email;
		}

		void signIn(String email) {
			type("#email", email);
			type("#password", PASSWORD);
			click("#sign-in");
			waitUntil(() -> visible("#tasks"));
		}

		void addTask(String title, String priority, String tags) {
			type("#new-title", title);
			set("#new-priority", priority);
			type("#new-tags", tags);
			click("#add");
			waitUntil(() -> titles().contains(title));
		}

		void tick(String title) {
			row(title).findElement(By.cssSelector(".toggle")).click();
		}

		String token() {
			return (String) script().executeScript("return sessionStorage.getItem('todo.token')");
		}

		/** As if the token had expired: the page's next request meets a 401. */
		void setToken(String token) {
			script().executeScript("sessionStorage.setItem('todo.token', arguments[0])", token);
		}

		/** The cookies that scripts of the page can read. */
		String cookies() {
			return (String) script().executeScript("return document.cookie");
		}

		boolean live() {
			return "live".equals(find("#live-status").getDomAttribute("data-status"));
		}

		/**
		 * The titles shown, read at once by the page's own script (no stale elements).
		 */
		@SuppressWarnings("unchecked")
		List<String> titles() {
			return (List<String>) script()
				.executeScript("return [...document.querySelectorAll('#list .title')].map((e) => e.textContent)");
		}

		void waitForTitles(String... titles) {
			waitUntil(() -> titles().equals(List.of(titles)));
		}

		WebElement row(String title) {
			return find("li.task[data-title='" + title + "']");
		}

		WebElement find(String css) {
			return driver().findElement(By.cssSelector(css));
		}

		boolean visible(String css) {
			List<WebElement> found = driver().findElements(By.cssSelector(css));
			return !found.isEmpty() && found.get(0).isDisplayed();
		}

		String text(String css) {
			return find(css).getText();
		}

		String value(String css) {
			return find(css).getDomProperty("value");
		}

		void type(String css, String text) {
			WebElement field = find(css);
			field.clear();
			if (!text.isEmpty()) {
				field.sendKeys(text);
			}
			else {
				// clear() fires no input event; the filters listen for one
				script().executeScript("arguments[0].dispatchEvent(new Event('input', {bubbles: true}))", field);
			}
		}

		/** Sets a select's or a date's value as a person picking it would. */
		void set(String css, String value) {
			script().executeScript(
					"arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', {bubbles: true}))",
					find(css), value);
		}

		void click(String css) {
			find(css).click();
		}

		void waitUntil(java.util.function.BooleanSupplier condition) {
			this.wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class)
				.ignoring(org.openqa.selenium.NoSuchElementException.class)
				.until((driver) -> condition.getAsBoolean());
		}

		/**
		 * Clicks with the page's clock: answers the browser's Date.now() of the click, to
		 * compare with {@link #seenAt()} in another window, free of WebDriver's own
		 * delays.
		 */
		long clickNow(String css) {
			return ((Number) script().executeScript("const at = Date.now(); arguments[0].click(); return at;",
					find(css)))
				.longValue();
		}

		/**
		 * Notes in this window the browser's time at which an element matching the
		 * selector appears ({@code present}) or goes; {@link #seenAt()} reads it.
		 */
		void watchFor(String css, boolean present) {
			script().executeScript(
					"""
							const [css, present] = arguments;
							window.seenAt = null;
							const observer = new MutationObserver(() => {
							  if ((document.querySelector(css) !== null) === present) {
							    window.seenAt = Date.now();
							    observer.disconnect();
							  }
							});
							observer.observe(document.getElementById('list'), {subtree: true, childList: true, attributes: true});
							""",
					css, present);
		}

		/**
		 * Waits for what {@link #watchFor} watches, and answers the browser's time of it.
		 */
		long seenAt() {
			waitUntil(() -> script().executeScript("return window.seenAt") != null);
			return ((Number) script().executeScript("return window.seenAt")).longValue();
		}

	}

}
