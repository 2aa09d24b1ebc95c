package dev.bulwark.core;

/** There is no repository at the given location. */
public class RepositoryNotFoundException extends BulwarkException {
  private static final long serialVersionUID = 1L;

  /**
   * There is no repository at the location.
   *
   * @param message what went wrong and what to do about it, in one line for a person
   */
  public RepositoryNotFoundException(String message) {
    super(message);
  }
}
