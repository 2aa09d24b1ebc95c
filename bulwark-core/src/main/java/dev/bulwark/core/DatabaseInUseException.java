package dev.bulwark.core;

import org.jspecify.annotations.Nullable;

/**
 * A restore was refused because the database at the target is open in a process (its lock is
 * held): stop that process, or restore elsewhere, and try again. Nothing was changed.
 */
public class DatabaseInUseException extends BulwarkException {
  private static final long serialVersionUID = 1L;

  public DatabaseInUseException(String message) {
    super(message);
  }

  public DatabaseInUseException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
