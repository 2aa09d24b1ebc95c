package dev.bulwark.sqlite;

import dev.bulwark.core.fs.AtomicFiles;
import dev.bulwark.core.fs.Leftovers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Names and cleans up the short-lived files Bulwark puts beside a database:
 * {@code .<db name>.bulwark-<purpose>-<pid>-<random>}. The process id in the name lets a later
 * run remove what a killed process left, and only that.
 */
final class ScratchFile {
  private static final Logger LOG = LoggerFactory.getLogger(ScratchFile.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What a scratch file is for. */
  enum Purpose {
    /** A snapshot copy being written (mode 0600). */
    COPY("copy"),
    /** A hard link through which a restore checks whether the database is in use. */
    PROBE("probe");

    private final String word;

    Purpose(String word) {
      this.word = word;
    }
  }

  private ScratchFile() {}

  /** A fresh name in {@code dir} for a scratch file about {@code db}; nothing is created. */
  static Path name(Path dir, Path db, Purpose purpose) {
    byte[] r = new byte[8];
    RANDOM.nextBytes(r);
    return dir.resolve(prefix(db, purpose) + ProcessHandle.current().pid() + "-"
        + HexFormat.of().formatHex(r));
  }

  /** Creates a new empty private (0600) file in {@code dir} for a copy of {@code db}. */
  static Path createCopy(Path dir, Path db) throws IOException {
    return Files.createFile(name(dir, db, Purpose.COPY), AtomicFiles.fileAttributes());
  }

  /** Deletes {@code p} and whatever SQLite may have left beside it. */
  static void delete(Path p) throws IOException {
    Files.deleteIfExists(p);
    for (Sidecar s : Sidecar.values()) {
      Files.deleteIfExists(s.of(p));
    }
  }

  /**
   * Removes scratch files about {@code db} in {@code dir} whose process is gone. Best effort: a
   * file that cannot be removed is logged and left.
   */
  static void sweep(Path dir, Path db, Purpose purpose) {
    String prefix = prefix(db, purpose);
    try {
      for (Path p : Leftovers.abandoned(dir, prefix)) {
        Files.deleteIfExists(p);
        LOG.info("removed {}, left by a Bulwark process that did not finish", p);
      }
    } catch (IOException e) {
      LOG.warn("could not clean up old scratch files in {}: {}", dir, e.toString());
    }
  }


  private static String prefix(Path db, Purpose purpose) {
    return "." + AtomicFiles.siblingBase(db, 64) + ".bulwark-" + purpose.word + "-";
  }
}
