package dev.bulwark.junit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A restored database in its own temporary folder, which {@link #close()} deletes with
 * everything in it (the copy, SQLite's -wal and -shm files, a RocksDB folder). Kept in JUnit's
 * extension store, which closes it after the test or the class.
 */
final class RestoredCopy implements AutoCloseable {
  private final Path folder;
  private final RestoredDatabase database;

  RestoredCopy(Path folder, RestoredDatabase database) {
    this.folder = folder;
    this.database = database;
  }

  /** What was restored, and where. */
  RestoredDatabase database() {
    return database;
  }

  /** The temporary folder that holds the copy. */
  Path folder() {
    return folder;
  }

  @Override
  public void close() throws IOException {
    delete(folder);
  }

  /** Deletes {@code folder} and everything in it, if it exists. */
  static void delete(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      // Deepest first, so each folder is empty when its turn comes.
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
