package dev.bulwark.core;

/** Stored data failed authentication, hashing or parsing: it is damaged or not ours. */
public class CorruptionException extends BulwarkException {
  private static final long serialVersionUID = 1L;

  public CorruptionException(String message) {
    super(message);
  }

  public CorruptionException(String message, Throwable cause) {
    super(message, cause);
  }
}
