package dev.bulwark.core.stream;

import dev.bulwark.core.RepositoryLockedException;

/**
 * Another replicator holds the lease of the stream: it renewed it while this one watched. A
 * locked repository, as far as exit codes go.
 */
public class LeaseHeldException extends RepositoryLockedException {
  private static final long serialVersionUID = 1L;

  public LeaseHeldException(String message) {
    super(message);
  }
}
