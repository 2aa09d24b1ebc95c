package dev.bulwark.core.retention;

import dev.bulwark.core.Id;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import java.io.IOException;
import java.util.Collection;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes snapshot files. Only the snapshot files go: the data they referenced stays until a
 * prune. Each deletion stands alone (one file, removed atomically by the backend), so a process
 * killed in the middle leaves a valid repository with some of the snapshots gone.
 */
public final class Forgetter {
  private static final Logger LOG = LoggerFactory.getLogger(Forgetter.class);

  private Forgetter() {}

  /**
   * Deletes the files of {@code snapshots}, calling {@code removed} after each. A snapshot
   * whose file is already gone counts as removed.
   *
   * @param lock an exclusive lock on {@code repo}, held for the whole call
   * @throws IllegalArgumentException if {@code lock} is shared
   * @throws IOException when a deletion fails; the snapshots before it stay removed
   */
  public static void remove(Repository repo, Lock lock, Collection<Snapshot> snapshots,
      Consumer<Snapshot> removed) throws IOException {
    if (!lock.isExclusive()) {
      throw new IllegalArgumentException("removing snapshots needs an exclusive lock");
    }
    LOG.info("removing {} snapshots", snapshots.size());
    for (Snapshot s : snapshots) {
      if (s.id() == null) {
        throw new IllegalArgumentException("a snapshot that was never saved cannot be removed");
      }
      repo.removeSnapshot(s.id());
      removed.accept(s);
    }
  }

  /**
   * Deletes snapshot files by id without reading them: for snapshots whose file is damaged,
   * which {@link #remove} cannot be given as {@link Snapshot}s.
   *
   * @param lock an exclusive lock on {@code repo}, held for the whole call
   * @throws IllegalArgumentException if {@code lock} is shared
   */
  public static void removeUnreadable(Repository repo, Lock lock, Collection<Id> ids)
      throws IOException {
    if (!lock.isExclusive()) {
      throw new IllegalArgumentException("removing snapshots needs an exclusive lock");
    }
    for (Id id : ids) {
      LOG.info("removing unreadable snapshot {}", id.shortForm());
      repo.removeSnapshot(id);
    }
  }
}
