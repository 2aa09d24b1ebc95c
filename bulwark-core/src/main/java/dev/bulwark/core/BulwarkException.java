package dev.bulwark.core;

/**
 * A failure the user can act on: a missing repository, a wrong password, damaged data.
 *
 * <p>The message is one line meant for a person; the cause keeps the detail.
 */
public class BulwarkException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * A failure with a message and no cause.
   *
   * @param message what went wrong and what to do about it, in one line for a person
   */
  public BulwarkException(String message) {
    super(message);
  }

  /**
   * A failure with a message and the exception that led to it.
   *
   * @param message what went wrong and what to do about it, in one line for a person
   * @param cause the failure underneath, kept for the detail (logs, stack traces)
   */
  public BulwarkException(String message, Throwable cause) {
    super(message, cause);
  }
}
