package dev.bulwark.sqlite;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The files SQLite keeps beside a database, named after it. They belong to the database file
 * they sit beside only by name: SQLite would apply a WAL or roll back a journal left beside a
 * different database, so a restore moves them along with the database they came with.
 */
enum Sidecar {
  WAL("-wal"),
  SHM("-shm"),
  JOURNAL("-journal");

  /** First bytes of a rollback journal that still holds a transaction to undo. */
  private static final byte[] HOT_JOURNAL_MAGIC = {
      (byte) 0xd9, (byte) 0xd5, 0x05, (byte) 0xf9, 0x20, (byte) 0xa1, 0x63, (byte) 0xd7};

  private final String suffix;

  Sidecar(String suffix) {
    this.suffix = suffix;
  }

  /** This sidecar's path for the database at {@code db}. */
  Path of(Path db) {
    return db.resolveSibling(db.getFileName() + suffix);
  }

  boolean existsFor(Path db) {
    return Files.exists(of(db), LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * True if this sidecar of {@code db} holds changes SQLite would still apply: WAL frames, or a
   * journal whose header was not yet cleared. An empty WAL, an -shm, or a journal that
   * {@code PERSIST} or {@code TRUNCATE} mode left cleared holds none.
   */
  boolean holdsChanges(Path db) throws IOException {
    Path p = of(db);
    if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.size(p) == 0) {
      return false;
    }
    return switch (this) {
      case WAL -> true;
      case SHM -> false;
      // SQLite takes no lock on a journal, so reading one cannot disturb anybody's locks.
      case JOURNAL -> startsWithHotMagic(p);
    };
  }

  private static boolean startsWithHotMagic(Path journal) throws IOException {
    try (InputStream in = Files.newInputStream(journal)) {
      return Arrays.equals(in.readNBytes(HOT_JOURNAL_MAGIC.length), HOT_JOURNAL_MAGIC);
    }
  }
}
