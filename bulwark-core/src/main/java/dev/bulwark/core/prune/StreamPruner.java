package dev.bulwark.core.prune;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.retention.StreamRetention;
import java.io.IOException;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link StreamRetention} to the stream of one database, and nothing else: the
 * stream part of a prune, by the same rules and in the same kill-safe order (see {@link
 * Pruner}), without touching packs. A replicator runs it for its own stream, so that each
 * streamed database keeps the window its configuration asks for.
 */
public final class StreamPruner {
  private static final Logger LOG = LoggerFactory.getLogger(StreamPruner.class);
  private final Repository repo;
  private final String databaseId;
  private final StreamRetention retention;

  /** A pruner of {@code databaseId}'s stream in {@code repo}. */
  public StreamPruner(Repository repo, String databaseId, StreamRetention retention) {
    this.repo = repo;
    this.databaseId = databaseId;
    this.retention = retention;
  }

  /**
   * Removes the segments of the stream no restore to a point that must stay restorable needs,
   * under {@code lock}, an exclusive lock the caller took on the repository.
   *
   * @return how many segments were removed
   * @throws IllegalArgumentException if {@code lock} is not an exclusive lock on this repository
   */
  public int run(Lock lock, Instant now) throws IOException, BulwarkException {
    if (!lock.isHeldOn(repo) || !lock.isExclusive()) {
      throw new IllegalArgumentException("removing segments needs an exclusive lock held on"
          + " the repository");
    }
    StreamPrunePlan plan = new StreamPlanner(repo, retention, now, databaseId).plan();
    plan.warnings().forEach(w -> LOG.warn("stream retention: {}", w));
    plan.remove(repo);
    if (!plan.remove().isEmpty()) {
      LOG.info("stream retention of {} ({}): {} segments removed ({} generations)", databaseId,
          retention, plan.remove().size(), plan.generationsRemoved());
    }
    return plan.remove().size();
  }
}
