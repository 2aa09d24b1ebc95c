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
  /**
   * The newest position stored durably in the repository, once anything is.
   *
   * @return the position, or empty before the first shipment
   */
  Optional<StreamPosition> lastShippedPosition();

  /**
   * How long the oldest committed but not yet durable transaction has been waiting: zero when
   * everything committed so far is shipped. This is the live recovery point objective.
   *
   * @return the lag; zero when nothing is pending
   */
  Duration lag();

  /**
   * Bytes of committed pages read but not yet durable in the repository.
   *
   * @return pending bytes; 0 when nothing is pending
   */
  long pendingBytes();

  /**
   * Waits until everything the database had committed when this call began is durable in the
   * repository.
   *
   * @param timeout the longest to wait
   * @throws TimeoutException if that takes longer than {@code timeout}
   * @throws BulwarkException if replication has failed for good (the cause is attached)
   * @throws InterruptedException if the waiting thread is interrupted
   * @throws IOException if shipping fails and the replicator cannot go on
   */
  void awaitDurable(Duration timeout)
      throws InterruptedException, TimeoutException, IOException, BulwarkException;

  /**
   * Waits until everything the database had committed when this call began is as durable as
   * {@code mode} asks: call it right after a commit. It wakes the replicator at once rather
   * than at its next tick, and concurrent callers share one upload (group commit): a caller
   * that arrives while a shipment is under way joins the next one. {@link Durability#SYNC}
   * ships at once whatever the request ceiling; a repository that cannot be reached is a
   * {@link TimeoutException} (or the failure) after {@code timeout}, never a weaker promise.
   * A replicator without a local stream log waits for {@link Durability#LOCAL} as for {@link
   * Durability#SYNC}.
   *
   * @param mode how far a commit must have gone: local log, repository, or at once
   * @param timeout the longest to wait
   * @throws TimeoutException if that takes longer than {@code timeout}
   * @throws BulwarkException if replication has failed for good (the cause is attached)
   * @throws InterruptedException if the waiting thread is interrupted
   * @throws IOException if shipping fails and the replicator cannot go on
   */
  default void awaitDurable(Durability mode, Duration timeout)
      throws InterruptedException, TimeoutException, IOException, BulwarkException {
    if (mode != Durability.ASYNC) {
      awaitDurable(timeout);
    }
  }

  /**
   * Ships everything committed so far, then stores a snapshot of the database built from the
   * stream: the newest snapshot of the current generation plus the pages captured since,
   * without reading the database. Its cost grows with the pages changed, not the database's
   * size; restic restores it like any other snapshot.
   *
   * @return the new snapshot, or the newest one if nothing changed since it
   * @throws IOException if the repository cannot be written
   * @throws BulwarkException if replication has failed for good, or the snapshot is refused
   * @throws InterruptedException if the calling thread is interrupted while waiting for the
   *     shipment
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
