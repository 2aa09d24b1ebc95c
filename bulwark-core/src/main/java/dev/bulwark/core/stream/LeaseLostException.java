package dev.bulwark.core.stream;

import dev.bulwark.core.BulwarkException;

/**
 * This replicator no longer holds its stream's lease: another one took it over (after this one
 * failed to renew it in time). It must not ship anything more.
 */
public class LeaseLostException extends BulwarkException {
  private static final long serialVersionUID = 1L;

  /**
   * The lease was taken over by another replicator.
   *
   * @param message who took the lease over, in one line
   */
  public LeaseLostException(String message) {
    super(message);
  }
}
