package dev.bulwark.sqlite;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.restore.DatabaseKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import org.jspecify.annotations.Nullable;

/**
 * How SQLite databases are restored: used with {@link dev.bulwark.core.restore.DatabaseRestorer},
 * which restores a snapshot into a staging file beside the target and then calls
 * {@link #verify} and {@link #swap}.
 *
 * <ul>
 *   <li>{@link #checkNotInUse}: takes the database's EXCLUSIVE lock without waiting, through a
 *       temporary hard link so that nothing of the database changes. A WAL database open
 *       anywhere, or a rollback-journal database inside a transaction, is refused. (An idle
 *       rollback-journal connection holds no lock; nobody can see it.)
 *   <li>{@link #verify}: {@code PRAGMA integrity_check} must say exactly {@code ok} and
 *       {@code PRAGMA foreign_key_check} must find nothing.
 *   <li>{@link #swap}: checkpoints the old database under its EXCLUSIVE lock, keeps it as
 *       {@code <name>.bulwark-old-<UTC time>} (a hard link) together with its {@code -wal},
 *       {@code -shm} and {@code -journal}, then renames the new file over the target. A kill at
 *       any instant leaves the old or the new database at the target, never a mix and never
 *       nothing, and never a stale WAL or journal beside the new one. The new file gets the
 *       old one's permissions and, where allowed, its owner.
 * </ul>
 *
 * <p>Limits: SQLite cannot see an idle rollback-journal connection, and between the old
 * database's lock being released and the rename there is a moment (milliseconds) in which a
 * process could open it; a WAL or journal that appears in that moment makes the swap refuse.
 * Bulwark never opens a live database file itself, only through SQLite: closing a descriptor
 * would drop the locks SQLite holds in this process. Thread-safe.
 */
public final class SqliteKind implements DatabaseKind {
  /** The kind recorded in snapshot tags. */
  public static final String NAME = "sqlite";

  private final Clock clock;

  /** Names kept databases by the system clock (UTC). */
  public SqliteKind() {
    this(Clock.systemUTC());
  }

  /**
   * Names kept databases by {@code clock}.
   *
   * @param clock the clock whose time names a database kept aside by a restore (tests fix it)
   */
  public SqliteKind(Clock clock) {
    this.clock = clock;
    // Every use of a kind opens the database sooner or later (at the latest to verify it).
    SqliteLibrary.loadInBackground();
  }

  @Override
  public String name() {
    return NAME;
  }

  /** A SQLite database is one file of pages: stream segments replay onto a restored copy. */
  @Override
  public boolean replaysPages() {
    return true;
  }

  /**
   * Returns if nothing is at {@code target} or no connection holds a lock on it; changes
   * nothing.
   *
   * @throws BulwarkException "database ... is in use by another process; stop it before
   *     restoring", or why the check could not be made (a symlink, a folder, no hard links)
   */
  @Override
  public void checkNotInUse(Path target) throws IOException, BulwarkException {
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    TargetFile.requireRegular(target);
    InUseProbe.check(target);
  }

  /**
   * Passes only a healthy SQLite database.
   *
   * @throws BulwarkException quoting the first problem: not a SQLite file, damaged, failing
   *     {@code integrity_check}, or breaking a foreign key
   */
  @Override
  public void verify(Path staged) throws IOException, BulwarkException {
    IntegrityCheck.verify(staged);
  }

  /**
   * Puts {@code staged} at {@code target}, keeping a database already there (with its sidecar
   * files) as {@code <name>.bulwark-old-<UTC time>}.
   *
   * @return the kept database, or null if there was none
   * @throws BulwarkException if the old database is in use; the target is then unchanged
   */
  @Override
  public @Nullable Path swap(Path staged, Path target) throws IOException, BulwarkException {
    return new DatabaseSwap(clock).swap(staged, target);
  }
}
