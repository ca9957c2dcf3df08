package app.todo.spa;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.http.ETag;
import org.springframework.http.MediaType;
import org.springframework.http.MediaTypeFactory;

/**
 * The app's files, read from {@code classpath:/spa/} once, at start-up: a few kilobytes
 * in memory, so that serving them never reads a file or a jar on an event-loop thread.
 * Only the files found there are served, by exact name (the folder is not {@code app/},
 * where the application's own classes are).
 */
final class SpaFiles {

	static final String LOCATION = "classpath:/spa/*";

	private final Map<String, SpaFile> files = new TreeMap<>();

	SpaFiles() {
		try {
			for (Resource resource : new PathMatchingResourcePatternResolver().getResources(LOCATION)) {
				String name = resource.getFilename();
				if (name != null && resource.isReadable()) {
					try (InputStream in = resource.getInputStream()) {
						this.files.put(name, SpaFile.of(name, in.readAllBytes()));
					}
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("The reference app's files cannot be read", ex);
		}
		if (!this.files.containsKey("index.html")) {
			throw new IllegalStateException("The reference app has no index.html in " + LOCATION);
		}
	}

	@Nullable SpaFile get(String name) {
		return this.files.get(name);
	}

	/**
	 * One file, with a strong ETag of its content: the names carry no version (there is
	 * no build step), so browsers revalidate each time and get a 304 until a deploy
	 * changes it.
	 */
	record SpaFile(byte[] content, MediaType contentType, ETag etag) {

		static SpaFile of(String name, byte[] content) {
			return new SpaFile(content, contentType(name), ETag.create("\"" + sha256(content).substring(0, 32) + "\""));
		}

		/** JavaScript modules load only with a JavaScript type; text is UTF-8. */
		private static MediaType contentType(String name) {
			if (name.endsWith(".js")) {
				return new MediaType("text", "javascript", StandardCharsets.UTF_8);
			}
			MediaType type = MediaTypeFactory.getMediaType(name).orElse(MediaType.APPLICATION_OCTET_STREAM);
			return "text".equals(type.getType()) ? new MediaType(type, StandardCharsets.UTF_8) : type;
		}

		private static String sha256(byte[] content) {
			try {
				return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}
