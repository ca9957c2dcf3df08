package app.todo;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What a test needs to start the application in a JVM of its own, as it runs for real.
 */
public final class ApplicationProcess {

	private ApplicationProcess() {
	}

	/** The java command of this JVM. */
	public static String javaExecutable() {
		return ProcessHandle.current()
			.info()
			.command()
			.filter((command) -> Files.isExecutable(Paths.get(command)))
			.orElse(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
	}

	/**
	 * The class path of the tests without the test classes: the application as it runs
	 * for real, without the tests' configuration (a Testcontainers database where Docker
	 * runs).
	 */
	public static String classPath() {
		String classPath = System.getProperty("surefire.test.class.path");
		if (classPath == null || classPath.isBlank()) {
			classPath = System.getProperty("java.class.path");
		}
		return Arrays.stream(classPath.split(File.pathSeparator))
			.filter((entry) -> !entry.isBlank())
			.filter((entry) -> !Paths.get(entry).normalize().endsWith("test-classes"))
			.collect(Collectors.joining(File.pathSeparator));
	}

	public static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
