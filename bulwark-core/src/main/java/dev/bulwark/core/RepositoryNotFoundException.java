package dev.bulwark.core;

/** There is no repository at the given location. */
public class RepositoryNotFoundException extends BulwarkException {
  private static final long serialVersionUID = 1L;

  public RepositoryNotFoundException(String message) {
    super(message);
  }
}
