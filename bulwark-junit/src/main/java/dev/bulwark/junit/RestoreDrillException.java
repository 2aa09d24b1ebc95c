package dev.bulwark.junit;

/**
 * A restore drill could not restore the database: its one-line message says why (not
 * configured, no repository, wrong password, no snapshot, a damaged backup), and the test fails.
 */
public class RestoreDrillException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * A failure with no underlying exception.
   *
   * @param message one line saying what failed
   */
  public RestoreDrillException(String message) {
    super(message);
  }

  /**
   * A failure caused by {@code cause}, kept for the stack trace.
   *
   * @param message one line saying what failed
   * @param cause what the library threw
   */
  public RestoreDrillException(String message, Throwable cause) {
    super(message, cause);
  }
}
