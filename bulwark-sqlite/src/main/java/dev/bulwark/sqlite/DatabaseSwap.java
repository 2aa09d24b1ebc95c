package dev.bulwark.sqlite;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.fs.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a verified database in place of another, so that a crash at any instant leaves one of
 * the two, whole, at the target:
 *
 * <ol>
 *   <li>With the old database's EXCLUSIVE lock held (fails if it is in use): roll back a hot
 *       journal, checkpoint the WAL and truncate it. The old file alone is now the whole old
 *       database, so moving its sidecars away cannot lose a commit.
 *   <li>Hard-link the old file as {@code <name>.bulwark-old-<UTC time>}, and move its
 *       {@code -wal}, {@code -shm} and {@code -journal} to the same name plus suffix: a stale
 *       WAL or journal left beside the target would be applied to the new database.
 *   <li>fsync the folder, then rename the new file over the target (atomic) and fsync again.
 * </ol>
 *
 * Until the rename the target is the old database; after it, the new one. If a step before the
 * rename fails, the link is removed and the sidecars are moved back. Bulwark never opens the
 * old file itself (that would drop SQLite's locks in this process); only SQLite does.
 */
final class DatabaseSwap {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseSwap.class);
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final Clock clock;

  DatabaseSwap(Clock clock) {
    this.clock = clock;
  }

  /** Swaps {@code staged} into {@code target}; returns where the old database was kept. */
  Path swap(Path staged, Path target) throws IOException, BulwarkException {
    Path dir = target.toAbsolutePath().getParent();
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      Path strays = keptName(target);
      List<Sidecar> moved = moveSidecars(target, strays);
      if (!moved.isEmpty()) {
        LOG.warn("moved {} left without a database at {} to {}", moved, target, strays);
        AtomicFiles.fsyncDirectory(dir);
      }
      AtomicFiles.moveIntoPlace(staged, target);
      return null;
    }
    TargetFile.requireRegular(target);
    quiesce(target);
    Path kept = keptName(target);
    InUseProbe.link(kept, target);
    List<Sidecar> moved = List.of();
    boolean swapped = false;
    try {
      moved = moveSidecars(target, kept);
      AtomicFiles.fsyncDirectory(dir);
      requireNoNewSidecars(target);
      TargetFile.copyOwnership(kept, staged);
      AtomicFiles.moveIntoPlace(staged, target);
      swapped = true;
    } finally {
      if (!swapped) {
        undo(target, kept, moved);
      }
    }
    return kept;
  }

  /**
   * Makes the old file hold the whole old database: with its EXCLUSIVE lock held, SQLite rolls
   * back a hot journal, and the WAL is checkpointed and truncated (then deleted on close).
   */
  private static void quiesce(Path target) throws IOException, BulwarkException {
    try (Connection c = ExclusiveAccess.open(target)) {
      if (ExclusiveAccess.lock(c, target) == ExclusiveAccess.Outcome.NOT_A_DATABASE) {
        LOG.warn("{} is not a readable SQLite database; replacing it as it is", target);
        return;
      }
      if ("wal".equalsIgnoreCase(SqliteConnections.queryText(c, "PRAGMA journal_mode"))) {
        checkpoint(c, target);
      }
    } catch (SQLException e) {
      throw new BulwarkException("cannot prepare " + target + " for replacement: it "
          + SqliteFailure.of(e).explain(e), e);
    }
    for (Sidecar s : new Sidecar[] {Sidecar.WAL, Sidecar.JOURNAL}) {
      if (s.holdsChanges(target)) {
        throw new BulwarkException(s.of(target) + " still holds changes to " + target
            + " after recovery; open the database once with sqlite3 and retry");
      }
    }
  }

  private static void checkpoint(Connection c, Path target) throws SQLException,
      BulwarkException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
      if (!rs.next() || rs.getInt(1) != 0) {
        throw new BulwarkException("cannot checkpoint the WAL of " + target
            + " before replacing it; retry");
      }
    }
  }

  /** A new name {@code <target>.bulwark-old-<UTC time>[-n]} with no file or sidecar at it. */
  private Path keptName(Path target) {
    String base = AtomicFiles.siblingBase(target, 56) + ".bulwark-old-" + STAMP.format(clock.instant());
    for (int n = 1; ; n++) {
      Path p = target.resolveSibling(n == 1 ? base : base + "-" + n);
      boolean free = !Files.exists(p, LinkOption.NOFOLLOW_LINKS);
      for (Sidecar s : Sidecar.values()) {
        free &= !s.existsFor(p);
      }
      if (free) {
        return p;
      }
    }
  }

  private static List<Sidecar> moveSidecars(Path from, Path to) throws IOException {
    List<Sidecar> moved = new ArrayList<>();
    for (Sidecar s : Sidecar.values()) {
      if (s.existsFor(from)) {
        Files.move(s.of(from), s.of(to), StandardCopyOption.ATOMIC_MOVE);
        moved.add(s);
      }
    }
    return moved;
  }

  /** A WAL or journal that appeared since the lock was released means a process opened it. */
  private static void requireNoNewSidecars(Path target) throws BulwarkException {
    if (Sidecar.WAL.existsFor(target) || Sidecar.JOURNAL.existsFor(target)) {
      throw ExclusiveAccess.inUse(target, null);
    }
  }

  private static void undo(Path target, Path kept, List<Sidecar> moved) {
    try {
      if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS) || !Files.isSameFile(target, kept)) {
        // The rename happened (only its fsync failed): the kept link is the old database now.
        return;
      }
      for (Sidecar s : moved) {
        if (!s.existsFor(target)) {
          Files.move(s.of(kept), s.of(target), StandardCopyOption.ATOMIC_MOVE);
        }
      }
      Files.deleteIfExists(kept);
      AtomicFiles.fsyncDirectory(target.toAbsolutePath().getParent());
    } catch (IOException e) {
      LOG.warn("could not tidy up after a failed swap of {} (the old database is still in place;"
          + " a copy is linked at {}): {}", target, kept, e.toString());
    }
  }
}
