package dev.bulwark.core;

/** No key file of the repository opens with the given password. */
public class WrongPasswordException extends BulwarkException {
  private static final long serialVersionUID = 1L;

  public WrongPasswordException(String message) {
    super(message);
  }
}
