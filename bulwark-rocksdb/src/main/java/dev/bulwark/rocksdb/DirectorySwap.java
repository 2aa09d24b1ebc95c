package dev.bulwark.rocksdb;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.fs.AtomicFiles;
import dev.bulwark.core.fs.FileTrees;
import dev.bulwark.core.restore.DatabaseRestorer;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a folder with a sibling folder, keeping the old one, such that a crash at any
 * instant is undone or finished by {@link #recover(Path)}.
 *
 * <p>A folder cannot be replaced by one atomic rename (Java has no {@code RENAME_EXCHANGE}),
 * so a swap is: write a {@link SwapJournal}; rename the target to
 * {@code <name>.bulwark-old-<UTC time>}; rename the staging folder to the target; delete the
 * journal. Each step is made durable (fsync of the parent folder) before the next. The second
 * rename is the commit point:
 *
 * <ul>
 *   <li>interrupted before it: recovery moves the previous folder back to the target and
 *       deletes the staging folder, as if the swap had never started;
 *   <li>interrupted after it: recovery only deletes the journal; the previous folder stays
 *       under its kept name.
 * </ul>
 *
 * <p>So after recovery the target holds either the whole previous folder or the whole new one
 * (never a mix, never nothing when something was there), and the previous folder is never
 * deleted. Between the two renames the target is briefly absent to other processes; callers
 * check first that no process uses it.
 */
final class DirectorySwap {
  private static final Logger LOG = LoggerFactory.getLogger(DirectorySwap.class);
  private static final DateTimeFormatter KEPT_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** The points a swap passes, for tests that interrupt it there. */
  enum Step { JOURNALED, PREVIOUS_MOVED, STAGED_MOVED }

  private final Clock clock;
  private final Consumer<Step> observer;

  DirectorySwap(Clock clock, Consumer<Step> observer) {
    this.clock = clock;
    this.observer = observer;
  }

  /**
   * Puts folder {@code staged} at {@code target}, a sibling.
   *
   * @return where the previous content of {@code target} was kept; empty if there was none
   * @throws BulwarkException if the swap failed; the target is then as it was, or (if even
   *     moving it back failed) the journal is left for {@link #recover(Path)}
   */
  Optional<Path> swap(Path staged, Path target) throws IOException, BulwarkException {
    if (!staged.getParent().equals(target.getParent())) {
      throw new IllegalArgumentException("staging " + staged + " is not beside " + target);
    }
    String stagedName = staged.getFileName().toString();
    if (!SwapJournal.isPlainName(stagedName)
        || !SwapJournal.isPlainName(target.getFileName().toString())) {
      throw new BulwarkException("cannot restore to " + target + ": its name contains a line"
          + " break or NUL");
    }
    if (!Files.isDirectory(staged, LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException("staging " + staged + " is not a folder");
    }
    recover(target);
    AtomicFiles.fsyncDirectory(staged);
    Optional<Path> previous = Files.exists(target, LinkOption.NOFOLLOW_LINKS)
        ? Optional.of(keptName(target)) : Optional.empty();
    try (SwapJournal journal = SwapJournal.create(target, stagedName,
        previous.map(p -> p.getFileName().toString()).orElse(""))) {
      observer.accept(Step.JOURNALED);
      if (previous.isPresent()) {
        try {
          move(target, previous.get());
        } catch (IOException e) {
          throw settleAside(journal, previous.get(), target, e);
        }
        observer.accept(Step.PREVIOUS_MOVED);
      }
      try {
        move(staged, target);
      } catch (IOException e) {
        throw settleStaged(journal, staged, previous.orElse(null), target, e);
      }
      observer.accept(Step.STAGED_MOVED);
      journal.delete();
    }
    return previous;
  }

  /**
   * Moving the target aside failed: puts it back if it did move. The state on disk decides,
   * not which call threw: a rename can have happened with only the fsync after it failing.
   */
  private static BulwarkException settleAside(SwapJournal journal, Path previous, Path target,
      IOException cause) {
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)
        && Files.exists(previous, LinkOption.NOFOLLOW_LINKS)) {
      return moveBack(journal, previous, target, cause);
    }
    return abandon(journal, new BulwarkException("could not move the database at " + target
        + " aside to " + previous + ": " + cause + "; it is unchanged", cause));
  }

  /**
   * Moving the restored copy in failed: puts the previous database back if it can, judging
   * by the state on disk as {@link #settleAside} does. {@code previousOrNull} is where the
   * target was moved, null if nothing was there.
   */
  private static BulwarkException settleStaged(SwapJournal journal, Path staged,
      Path previousOrNull, Path target, IOException cause) {
    boolean hasTarget = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
    if (hasTarget && !Files.exists(staged, LinkOption.NOFOLLOW_LINKS)) {
      return new BulwarkException("the restored database is at " + target + " but making that"
          + " durable failed: " + cause + (previousOrNull == null ? "" : "; the previous one is"
          + " kept at " + previousOrNull) + ". Run RocksDbKind.recover or the restore again to"
          + " settle it", cause);
    }
    if (previousOrNull == null) {
      return abandon(journal, new BulwarkException("could not put the restored database at "
          + target + ": " + cause + "; nothing was there before", cause));
    }
    if (hasTarget) {
      return new BulwarkException("a new " + target + " appeared while the restore was swapping"
          + " it (" + cause + "); the previous database is at " + previousOrNull + ". Decide"
          + " which to keep, move the other away, then run the restore again", cause);
    }
    return moveBack(journal, previousOrNull, target, cause);
  }

  private static BulwarkException moveBack(SwapJournal journal, Path previous, Path target,
      IOException cause) {
    try {
      move(previous, target);
    } catch (IOException e) {
      BulwarkException failure = new BulwarkException("could not put the restored database at "
          + target + " (" + cause + ") nor move the previous one back; it is intact at "
          + previous + ", and the next restore (or RocksDbKind.recover) moves it back", cause);
      failure.addSuppressed(e);
      return failure;
    }
    return abandon(journal, new BulwarkException("could not put the restored database at "
        + target + ": " + cause + "; the database there is back as it was", cause));
  }

  /** Deletes the journal of a swap that moved nothing (or moved it back). */
  private static BulwarkException abandon(SwapJournal journal, BulwarkException failure) {
    try {
      journal.delete();
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
    return failure;
  }

  /**
   * Finishes or undoes a swap into {@code target} that was interrupted (see the class
   * comment); does nothing when there is none.
   *
   * @throws BulwarkException if a swap into {@code target} is running right now, or if the
   *     folders are in a state no interrupted swap leaves (then the journal stays and nothing is
   *     touched)
   */
  static RocksDbKind.Recovery recover(Path target) throws IOException, BulwarkException {
    Optional<SwapJournal> found = SwapJournal.lockExisting(target);
    if (found.isEmpty()) {
      return RocksDbKind.Recovery.NONE;
    }
    try (SwapJournal journal = found.get()) {
      if (!journal.isComplete()) {
        journal.delete();
        LOG.info("removed {}: a swap into {} was interrupted before it moved anything",
            journal.path(), target);
        return RocksDbKind.Recovery.ROLLED_BACK;
      }
      RocksDbKind.Recovery done = resume(journal, target);
      journal.delete();
      return done;
    }
  }

  private static RocksDbKind.Recovery resume(SwapJournal journal, Path target)
      throws IOException, BulwarkException {
    Path staging = journal.staging();
    Optional<Path> previous = journal.previous();
    boolean hasTarget = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
    boolean hasPrevious = previous.isPresent()
        && Files.exists(previous.get(), LinkOption.NOFOLLOW_LINKS);
    if (Files.exists(staging, LinkOption.NOFOLLOW_LINKS)) {
      // The restored copy never reached the target: undo.
      if (hasPrevious && hasTarget) {
        throw new BulwarkException("an interrupted restore moved the database at " + target
            + " to " + previous.get() + ", and a new " + target + " has appeared since;"
            + " decide which to keep, move the other away, then delete " + journal.path());
      }
      if (hasPrevious) {
        move(previous.get(), target);
      }
      FileTrees.deleteRecursively(staging);
      AtomicFiles.fsyncDirectory(target.getParent());
      LOG.info("undid an interrupted restore into {}: the previous database is back in place",
          target);
      return RocksDbKind.Recovery.ROLLED_BACK;
    }
    if (hasTarget) {
      LOG.info("finished an interrupted restore into {}: the restored database is in place{}",
          target, previous.map(p -> "; the previous one is kept at " + p).orElse(""));
      return RocksDbKind.Recovery.ROLLED_FORWARD;
    }
    if (hasPrevious) {
      move(previous.get(), target);
      LOG.info("undid an interrupted restore into {}: the previous database is back in place",
          target);
      return RocksDbKind.Recovery.ROLLED_BACK;
    }
    if (previous.isEmpty()) {
      return RocksDbKind.Recovery.ROLLED_BACK; // nothing was there, nothing is
    }
    throw new BulwarkException("an interrupted restore into " + target + " left neither the"
        + " restored copy " + staging + " nor the previous database " + previous.get()
        + "; something else moved them. See " + journal.path());
  }

  /** {@code <name>.bulwark-old-<UTC time>}, with a counter if that is taken. */
  private Path keptName(Path target) {
    String base = AtomicFiles.siblingBase(target, 48) + ".bulwark-old-" + KEPT_TIME.format(clock.instant());
    Path p = target.resolveSibling(base);
    for (int n = 2; Files.exists(p, LinkOption.NOFOLLOW_LINKS); n++) {
      p = target.resolveSibling(base + "-" + n);
    }
    return p;
  }

  private static void move(Path from, Path to) throws IOException {
    if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
      // rename(2) would silently replace an empty folder: never replace anything.
      throw new java.nio.file.FileAlreadyExistsException(to.toString());
    }
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot rename " + from + " to " + to + " atomically", e);
    }
    AtomicFiles.fsyncDirectory(to.getParent());
  }
}
