package dev.bulwark.core.stream;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.repo.Snapshot;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * A running replication of one database into a repository: every committed transaction is
 * shipped as stream segments within the sync interval, from a background thread, until {@link
 * #close()}. Thread-safe.
 */
public interface Replicator extends AutoCloseable {
  /** The newest position stored durably in the repository, once anything is. */
  Optional<StreamPosition> lastShippedPosition();

  /**
   * How long the oldest committed but not yet durable transaction has been waiting: zero when
   * everything committed so far is shipped. This is the live recovery point objective.
   */
  Duration lag();

  /** Bytes of committed pages read but not yet durable in the repository. */
  long pendingBytes();

  /**
   * Waits until everything the database had committed when this call began is durable in the
   * repository.
   *
   * @throws TimeoutException if that takes longer than {@code timeout}
   * @throws BulwarkException if replication has failed for good (the cause is attached)
   */
  void awaitDurable(Duration timeout)
      throws InterruptedException, TimeoutException, IOException, BulwarkException;

  /**
   * Ships everything committed so far, then stores a snapshot of the database built from the
   * stream: the newest snapshot of the current generation plus the pages captured since,
   * without reading the database. Its cost grows with the pages changed, not the database's
   * size; restic restores it like any other snapshot.
   *
   * @return the new snapshot, or the newest one if nothing changed since it
   */
  Snapshot snapshot() throws IOException, BulwarkException, InterruptedException;

  /**
   * Ships what is pending, then stops. After close the database is no longer replicated.
   *
   * @throws BulwarkException if the pending transactions could not be shipped
   */
  @Override
  void close() throws IOException, BulwarkException;
}
