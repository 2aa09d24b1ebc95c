package dev.bulwark.core;

/** Another process holds a conflicting lock on the repository. */
public class RepositoryLockedException extends BulwarkException {
  private static final long serialVersionUID = 1L;

  /**
   * The repository is locked by another process.
   *
   * @param message what went wrong and what to do about it, in one line for a person
   */
  public RepositoryLockedException(String message) {
    super(message);
  }
}
