package dev.bulwark.core.stream;

import dev.bulwark.core.RepositoryLockedException;

/**
 * Another replicator holds the lease of the stream: it renewed it while this one watched. A
 * locked repository, as far as exit codes go.
 */
public class LeaseHeldException extends RepositoryLockedException {
  private static final long serialVersionUID = 1L;

  /**
   * Another replicator holds the stream's lease.
   *
   * @param message who holds the lease since when, and what to do, in one line
   */
  public LeaseHeldException(String message) {
    super(message);
  }
}
