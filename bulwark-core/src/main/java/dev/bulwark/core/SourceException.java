package dev.bulwark.core;

/** A source could not be read: a missing file, a file that is not the database it claims. */
public class SourceException extends BulwarkException {
  private static final long serialVersionUID = 1L;

  /**
   * A source could not be read, with no cause.
   *
   * @param message what went wrong and what to do about it, in one line for a person
   */
  public SourceException(String message) {
    super(message);
  }

  /**
   * A source could not be read, because of {@code cause}.
   *
   * @param message what went wrong and what to do about it, in one line for a person
   * @param cause the failure underneath, kept for the detail (logs, stack traces)
   */
  public SourceException(String message, Throwable cause) {
    super(message, cause);
  }
}
