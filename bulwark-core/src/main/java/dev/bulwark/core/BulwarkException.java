package dev.bulwark.core;

/**
 * A failure the user can act on: a missing repository, a wrong password, damaged data.
 *
 * <p>The message is one line meant for a person; the cause keeps the detail.
 */
public class BulwarkException extends Exception {
  private static final long serialVersionUID = 1L;

  public BulwarkException(String message) {
    super(message);
  }

  public BulwarkException(String message, Throwable cause) {
    super(message, cause);
  }
}
