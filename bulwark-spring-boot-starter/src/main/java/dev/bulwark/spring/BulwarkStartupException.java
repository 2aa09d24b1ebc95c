package dev.bulwark.spring;

/**
 * Bulwark stopped the application's start: a property is missing or wrong, the repository
 * cannot be opened, the database could not be restored, or the start-up check refused it.
 * {@link BulwarkFailureAnalyzer} shows {@link #getMessage()} (one line) and {@link #action()}.
 * Neither ever holds the repository password.
 */
public final class BulwarkStartupException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  /** What to do about it, shown as the failure report's action. */
  private final String action;

  /**
   * A failure caused by another, e.g. a repository that cannot be reached.
   *
   * @param description one line: what failed, naming the property, path or snapshot
   * @param action what to do about it
   * @param cause the failure underneath, if any
   */
  public BulwarkStartupException(String description, String action, Throwable cause) {
    super(description, cause);
    this.action = action;
  }

  /**
   * A failure with no underlying exception, e.g. a missing property.
   *
   * @param description one line: what failed, naming the property, path or snapshot
   * @param action what to do about it
   */
  public BulwarkStartupException(String description, String action) {
    super(description);
    this.action = action;
  }

  /**
   * What to do about it.
   *
   * @return one or two sentences for the failure report's action
   */
  public String action() {
    return action;
  }
}
