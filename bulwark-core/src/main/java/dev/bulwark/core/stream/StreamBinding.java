package dev.bulwark.core.stream;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.fs.AtomicFiles;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * Which repository and stream a database belongs to, kept in a small file beside it ({@code
 * app.db.bulwark}, 0600, written atomically), so that a start against another repository, or a
 * database of another stream put in its place, is noticed before anything is shipped.
 *
 * @param repositoryId the repository's config id
 * @param streamId the stream's database id in that repository
 * @param generation the generation the database was last known in (0: none yet)
 */
public record StreamBinding(String repositoryId, String streamId, long generation) {
  /** The name's suffix: the binding of {@code app.db} is {@code app.db.bulwark}. */
  public static final String SUFFIX = ".bulwark";

  public StreamBinding {
    if (repositoryId == null || repositoryId.isBlank()) {
      throw new IllegalArgumentException("repository id is required");
    }
    SegmentName.requireDatabaseId(streamId);
  }

  /** Where the binding of {@code db} is kept. */
  public static Path fileFor(Path db) {
    return db.resolveSibling(db.getFileName() + SUFFIX);
  }

  /**
   * The binding of {@code db}, or empty if it has none.
   *
   * @throws BulwarkException if the file exists but is not a binding (names the file and how to
   *     replace it)
   */
  public static Optional<StreamBinding> read(Path db) throws IOException, BulwarkException {
    Path file = fileFor(db);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try {
      p.load(new StringReader(text));
      return Optional.of(new StreamBinding(p.getProperty("repository"),
          p.getProperty("stream"), Long.parseUnsignedLong(p.getProperty("generation"), 16)));
    } catch (RuntimeException e) {
      throw new BulwarkException(file + " is not a Bulwark binding file (" + e.getMessage()
          + "); remove it, or start with --rebind to write a new one", e);
    }
  }

  /** Writes this binding beside {@code db}, atomically and durably (0600). */
  public void write(Path db) throws IOException {
    Properties p = new Properties();
    p.setProperty("repository", repositoryId);
    p.setProperty("stream", streamId);
    p.setProperty("generation", SegmentName.generation(generation));
    StringWriter w = new StringWriter();
    p.store(w, "Bulwark: the repository and stream this database belongs to");
    byte[] bytes = w.toString().getBytes(StandardCharsets.UTF_8);
    AtomicFiles.write(fileFor(db), bytes, 0, bytes.length);
  }

  /** This binding in another generation. */
  public StreamBinding inGeneration(long g) {
    return new StreamBinding(repositoryId, streamId, g);
  }

  /** {@code repository 1a2b3c4d, stream app.db-12ab34cd}, for messages. */
  public String describe() {
    return "repository " + shortId(repositoryId) + ", stream " + streamId;
  }

  /** The first 8 characters of a repository id, as restic shows ids. */
  public static String shortId(String repositoryId) {
    return repositoryId.length() > 8 ? repositoryId.substring(0, 8) : repositoryId;
  }
}
