package dev.bulwark.rocksdb;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.DatabaseInUseException;
import dev.bulwark.core.restore.DatabaseKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restoring RocksDB databases, for {@link dev.bulwark.core.restore.DatabaseRestorer}: a
 * database is a folder, checked by opening it read-only, verifying every checksum and reading
 * every key, then swapped into place by two renames under a journal.
 *
 * <p><b>Crash guarantee.</b> A swap writes a journal ({@code .<name>.bulwark-swap}) beside the
 * target, renames the target to {@code <name>.bulwark-old-<UTC time>}, renames the verified
 * copy to the target, and deletes the journal, making each step durable before the next. If
 * the process dies anywhere in between, the next {@link #checkNotInUse}, {@link #swap} or
 * {@link #recover} (call it before starting the database after a crash) finds the journal
 * and:
 *
 * <ul>
 *   <li>if the verified copy had not yet been renamed to the target, puts the previous
 *       database back at the target and deletes the copy (the restore did not happen);
 *   <li>if it had, leaves it and the kept previous database as they are (the restore
 *       happened).
 * </ul>
 *
 * <p>After recovery the target therefore holds the whole previous database or the whole
 * restored one, never a mix and never nothing when a database was there. The previous
 * database is never deleted by Bulwark. Only between the two renames (microseconds, with no
 * process using the database, as checked just before) is the target absent.
 *
 * <p>Thread-safe. Two restores into one target are kept apart by the journal's lock.
 */
public final class RocksDbKind implements DatabaseKind {
  /** The kind recorded in snapshot tags. */
  public static final String NAME = "rocksdb";
  private static final Logger LOG = LoggerFactory.getLogger(RocksDbKind.class);

  static {
    RocksDB.loadLibrary();
  }

  /** What {@link #recoverSwap(Path)} found and did. */
  public enum Recovery {
    /** No swap into the target had been interrupted. */
    NONE,
    /** An interrupted swap was undone: the target holds what it held before. */
    ROLLED_BACK,
    /** An interrupted swap was finished: the target holds the restored database. */
    ROLLED_FORWARD
  }

  private final DirectorySwap swap;

  /** Kept databases are named with UTC wall-clock time. */
  public RocksDbKind() {
    this(Clock.systemUTC(), step -> { });
  }

  /** With the clock naming kept databases, and a test's view of each swap step. */
  RocksDbKind(Clock clock, Consumer<DirectorySwap.Step> observer) {
    this.swap = new DirectorySwap(clock, observer);
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Finds and finishes or undoes an interrupted swap into {@code target} (see the class
   * comment). Cheap when there is none; safe to call at every start.
   *
   * @param target the database folder a restore swaps into
   * @return what was found and done: nothing, a swap finished, or a swap undone
   * @throws BulwarkException if a swap into {@code target} is running now, or if the folders
   *     are in a state no interrupted swap leaves (nothing is touched then)
   * @throws IOException if the folders cannot be read, renamed or deleted
   */
  public static Recovery recoverSwap(Path target) throws IOException, BulwarkException {
    return DirectorySwap.recover(target.toAbsolutePath().normalize());
  }

  @Override
  public void recover(Path target) throws IOException, BulwarkException {
    recoverSwap(target);
  }

  /**
   * Recovers an interrupted swap, then fails if a process has the database at {@code target}
   * open: RocksDB is asked to take the database's {@code LOCK}, which it refuses when another
   * process, or this one, holds it. Nothing at {@code target}, or no {@code LOCK} file, is fine.
   * A database opened read-only or as a secondary instance takes no lock and is not seen.
   *
   * @throws BulwarkException naming the target and who holds it
   */
  @Override
  public void checkNotInUse(Path target) throws IOException, BulwarkException {
    Path abs = target.toAbsolutePath().normalize();
    recoverSwap(abs);
    if (!Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Optional<String> inUse = LockProbe.whyInUse(abs);
    if (inUse.isPresent()) {
      throw new DatabaseInUseException("cannot restore to " + abs + ": the RocksDB database there "
          + inUse.get() + "; stop the process using it first");
    }
  }

  /**
   * Opens {@code staged} read-only with all its column families, verifies every block checksum
   * and reads every key. Writes nothing to {@code staged}.
   *
   * @throws CorruptionException naming the problem (e.g. a missing or damaged table file)
   */
  @Override
  public void verify(Path staged) throws IOException, BulwarkException {
    if (!Files.isRegularFile(staged.resolve("CURRENT"))) {
      throw new CorruptionException("the restored copy is not a RocksDB database: " + staged
          + " has no CURRENT file");
    }
    try (ReadOnlyDatabase db = ReadOnlyDatabase.open(staged)) {
      long keys = db.verify();
      ReadOnlyDatabase.Facts facts = db.facts();
      LOG.info("verified restored RocksDB database: {} keys in {} column families, sequence {}",
          keys, facts.columnFamilies(), facts.sequence());
    } catch (RocksDBException e) {
      throw new CorruptionException("the restored RocksDB database failed verification: "
          + e.getMessage(), e);
    }
  }

  /**
   * Puts folder {@code staged} at {@code target} (its sibling) as the class comment describes.
   *
   * @return where the previous database was kept, or null if there was none
   * @throws BulwarkException if it failed; the target then holds what it held before
   */
  @Override
  public @Nullable Path swap(Path staged, Path target) throws IOException, BulwarkException {
    return swap.swap(staged.toAbsolutePath().normalize(), target.toAbsolutePath().normalize())
        .orElse(null);
  }
}
