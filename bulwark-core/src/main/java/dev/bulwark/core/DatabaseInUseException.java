package dev.bulwark.core;

import org.jspecify.annotations.Nullable;

/**
 * A restore was refused because the database at the target is open in a process (its lock is
 * held): stop that process, or restore elsewhere, and try again. Nothing was changed.
 */
public class DatabaseInUseException extends BulwarkException {
  private static final long serialVersionUID = 1L;

  /**
   * The database is open elsewhere, with no cause.
   *
   * @param message what went wrong and what to do about it, in one line for a person
   */
  public DatabaseInUseException(String message) {
    super(message);
  }

  /**
   * The database is open elsewhere, found through {@code cause}.
   *
   * @param message what went wrong and what to do about it, in one line for a person
   * @param cause the failure that showed the lock is held, or null
   */
  public DatabaseInUseException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
