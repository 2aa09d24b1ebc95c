package dev.bulwark.core.repo;

import dev.bulwark.core.BulwarkException;

/**
 * A lock file could not be written (permission denied, read-only file system, read-only
 * credentials); the message names the cause and how to read without a lock.
 */
public final class LockNotCreatedException extends BulwarkException {
  private static final long serialVersionUID = 1L;

  /** With the message shown to the user and the failure behind it. */
  public LockNotCreatedException(String message, Throwable cause) {
    super(message, cause);
  }
}
