package dev.bulwark.junit;

/**
 * The drill is not configured: a placeholder resolved to nothing. The one failure that {@link
 * RestoreDrill#skipIfUnavailable()} turns into a skipped test.
 */
final class NotConfiguredException extends RestoreDrillException {
  private static final long serialVersionUID = 1L;

  NotConfiguredException(String message) {
    super(message);
  }
}
