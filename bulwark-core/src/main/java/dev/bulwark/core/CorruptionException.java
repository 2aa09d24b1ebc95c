package dev.bulwark.core;

/** Stored data failed authentication, hashing or parsing: it is damaged or not ours. */
public class CorruptionException extends BulwarkException {
  private static final long serialVersionUID = 1L;

  /**
   * Damaged or missing data, with no cause.
   *
   * @param message what went wrong and what to do about it, in one line for a person
   */
  public CorruptionException(String message) {
    super(message);
  }

  /**
   * Damaged or missing data, found through {@code cause}.
   *
   * @param message what went wrong and what to do about it, in one line for a person
   * @param cause the failure underneath, kept for the detail (logs, stack traces)
   */
  public CorruptionException(String message, Throwable cause) {
    super(message, cause);
  }
}
