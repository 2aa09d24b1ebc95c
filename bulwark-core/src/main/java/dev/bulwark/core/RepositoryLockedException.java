package dev.bulwark.core;

/** Another process holds a conflicting lock on the repository. */
public class RepositoryLockedException extends BulwarkException {
  private static final long serialVersionUID = 1L;

  public RepositoryLockedException(String message) {
    super(message);
  }
}
