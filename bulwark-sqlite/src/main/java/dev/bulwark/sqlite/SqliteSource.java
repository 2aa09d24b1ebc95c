package dev.bulwark.sqlite;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.SourceException;
import dev.bulwark.core.backup.FileMeta;
import dev.bulwark.core.backup.SourceView;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.stream.Replicable;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import dev.bulwark.core.stream.StartupPolicy;
import dev.bulwark.core.stream.StartupReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A live SQLite database as a backup source. Other connections and other processes may keep
 * reading and writing while it is backed up, in WAL or rollback-journal mode.
 *
 * <h2>What a view holds</h2>
 * {@link #open()} returns a view with exactly one file entry, at the database's absolute
 * normalized path, whose content is a consistent image of the database: the state of one
 * committed transaction, page for page (only the header's change counter and schema cookie
 * differ, as SQLite's backup API rewrites them). Chunks are aligned to the page size, so a page
 * rewritten in place changes one chunk. The entry has mode 0600 and the database file's times.
 * The view's tags ({@link dev.bulwark.core.repo.DatabaseTags}) record kind {@code sqlite},
 * the path, and {@code page-size}, {@code page-count}, {@code schema-version},
 * {@code user-version}, {@code journal-mode} and {@code sqlite-version}, all read in the read
 * transaction the image was copied in.
 *
 * <h2>How the image is made, and why</h2>
 * {@code open()} starts a read transaction on its own connection, reads the facts above, then
 * copies every page with SQLite's online backup API in a single step
 * ({@code sqlite3_backup_step(-1)}) into a private 0600 file, reusing that read transaction. As
 * soon as the copy is complete the read transaction ends and the file's name is removed; the
 * view streams the copy through the open descriptor until {@link SourceView#close()}. So the
 * live database is pinned only while its pages are copied locally, never while chunks are
 * hashed, compressed and uploaded.
 *
 * <p>Measured on this project's 2-core test machine, 205 MB database, one writer committing in
 * a loop on another connection, backups with default options under {@code -Xmx256m}:
 * <ul>
 *   <li>WAL mode: the copy takes 0.37–0.73 s, during which the writer commits 880–1,250 times
 *       (slowest commit about 0.1 s, CPU-bound); a whole backup takes 3.1–3.3 s.
 *   <li>Rollback-journal mode: the copy takes 0.66–0.81 s and holds SQLite's SHARED lock, so
 *       the writer waits for it (slowest commit 0.64 s); a whole backup takes 2.2–4.0 s. Writers
 *       need a busy timeout longer than the copy.
 *   <li>Under several writers committing back to back in rollback-journal mode, SQLite's own
 *       busy timeout let the read transaction starve (3–8 s, then failure after 10 s); the
 *       connection therefore retries its lock every millisecond ({@link PollingBusyHandler}),
 *       and backups under four writer threads took 0.3 s.
 * </ul>
 *
 * <p>Rejected alternatives, also measured: a page-stepped backup restarts on every commit of
 * another connection and never finishes under a steady writer; {@code VACUUM INTO} renumbers
 * pages, which defeats page-aligned deduplication. Reading pages straight from the database
 * file inside a pinned read transaction would save the local copy (in WAL mode the file
 * provably equals the snapshot after a TRUNCATE checkpoint just before pinning: 47 of 50 tries
 * succeeded under a writer), but it is unsafe in a JVM: closing any descriptor of the database
 * file drops every POSIX lock the process holds on it, SQLite's own included. We measured a
 * second process committing under our pinned reader right after we opened and closed the file;
 * in an application that embeds Bulwark, its own connections would lose their locks too. So
 * Bulwark never opens a live database file itself, only through SQLite; that is also why the
 * file change counter is not recorded (SQLite offers no other way to read it, the backup API
 * resets it in the copy, and in WAL mode it does not change).
 *
 * <h2>Costs and failures</h2>
 * The copy needs free space for one database in the scratch folder: by default the database's
 * own folder, which is on the same disk and never a RAM-backed {@code /tmp}. Copies left by a
 * process killed mid-copy are removed by the next backup of the same database. A missing or
 * empty file, a file that is not SQLite, a damaged or truncated database, a lock held for more
 * than 30 s, or too little space fail {@code open()} with a {@link SourceException} naming the
 * path. A database left by a killed application is copied as SQLite recovers it: a hot journal
 * is rolled back, commits in the WAL are included. Corruption inside pages is not detected
 * when backing up (that would cost a full integrity check); restores check it before anything
 * is replaced ({@link SqliteKind}).
 *
 * <p>Instances are immutable and thread-safe; each {@code open()} makes its own copy.
 */
public final class SqliteSource implements Replicable {
  private final Path db;
  private final Path scratchDir;

  private SqliteSource(Path db, Path scratchDir) {
    this.db = db;
    this.scratchDir = scratchDir;
  }

  /**
   * The database at {@code db}; its copy is made in the database's own folder.
   *
   * @param db the database file; it may be open and written to by other connections
   * @return a source that copies {@code db} consistently at each backup
   */
  public static SqliteSource of(Path db) {
    Path abs = db.toAbsolutePath().normalize();
    return new SqliteSource(abs, abs.getParent());
  }

  /**
   * The database at {@code db}; its copy is made in {@code scratchDir}, which needs room for
   * one copy of the database. Avoid a RAM-backed folder such as a tmpfs {@code /tmp}.
   *
   * @param db the database file; it may be open and written to by other connections
   * @param scratchDir the folder for the copy, on a disk with room for the whole database
   * @return a source that copies {@code db} consistently into {@code scratchDir} at each backup
   */
  public static SqliteSource of(Path db, Path scratchDir) {
    return new SqliteSource(db.toAbsolutePath().normalize(),
        scratchDir.toAbsolutePath().normalize());
  }

  /**
   * Copies a consistent image of the database and returns a view of it.
   *
   * @throws SourceException with one line naming the path if the database is missing, not a
   *     SQLite database, damaged, locked for too long, or there is no room for the copy
   */
  @Override
  public SourceView open() throws SourceException {
    try {
      requireDatabaseFile();
      // stat() only: opening the file would drop SQLite's locks (see the class comment).
      FileMeta meta = FileMeta.of(db.toRealPath()).withPermissions(0600);
      return new SqliteView(db, meta, SnapshotCopy.make(db, scratchDir));
    } catch (IOException e) {
      throw new SourceException("cannot back up " + db + ": " + e, e);
    }
  }

  /**
   * Streams every committed transaction of this database (which must be in WAL mode) into
   * {@code repo}, from a background thread, until the returned replicator is closed. It
   * resumes the generation a previous run left, when the saved state, the repository and the
   * WAL prove that nothing was missed, or starts a new one with a snapshot (logged with the
   * reason). The service keeps its own connections and checkpoints; see docs/design.md for how
   * the replicator keeps every frame without holding SQLite's checkpoints back for long.
   *
   * @throws SourceException if the database is missing, not SQLite, or not in WAL mode
   */
  @Override
  public Replicator replicate(Repository repo, ReplicationOptions options)
      throws IOException, BulwarkException {
    requireDatabaseFile();
    return SqliteReplicator.start(db, scratchDir, repo, options, Clock.systemUTC());
  }

  /**
   * Checks, before the database is opened, that it belongs to {@code repo} and to the stream
   * {@code options} name (its binding file {@code NAME.bulwark}), and that it continues that
   * stream: at its head, or the head plus transactions still in its WAL (which the replicator
   * ships when it starts). A database behind its stream, or at a state the stream cannot place,
   * is refused unless {@code policy} accepts it (a new generation then starts). On success the
   * binding is written. The rules, and why they are safe, are in docs/design.md ("Start-up
   * check").
   *
   * <p>It reads the database file itself: call it before this process opens the database
   * (closing a descriptor of the file would drop the process's SQLite locks).
   *
   * @throws dev.bulwark.core.stream.StartupRefusedException naming both positions and how to
   *     resolve it
   * @throws SourceException if the database is missing or not a database
   */
  @Override
  public StartupReport startupCheck(Repository repo, ReplicationOptions options,
      StartupPolicy policy) throws IOException, BulwarkException {
    requireDatabaseFile();
    return StartupCheck.run(db, repo, options, policy);
  }

  private void requireDatabaseFile() throws IOException, SourceException {
    if (!Files.exists(db)) {
      throw new SourceException(db + " does not exist");
    }
    if (!Files.isRegularFile(db)) {
      throw new SourceException(db + " is not a file");
    }
    if (Files.size(db) == 0) {
      throw new SourceException(db + " is empty (0 bytes), not a SQLite database");
    }
  }

  @Override
  public String toString() {
    return "SqliteSource[" + db + "]";
  }
}
