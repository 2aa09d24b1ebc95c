package dev.bulwark.core;

/** No key file of the repository opens with the given password. */
public class WrongPasswordException extends BulwarkException {
  private static final long serialVersionUID = 1L;

  /**
   * No key opens with the password.
   *
   * @param message what went wrong and what to do about it, in one line for a person
   */
  public WrongPasswordException(String message) {
    super(message);
  }
}
