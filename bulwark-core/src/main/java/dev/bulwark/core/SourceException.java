package dev.bulwark.core;

/** A source could not be read: a missing file, a file that is not the database it claims. */
public class SourceException extends BulwarkException {
  private static final long serialVersionUID = 1L;

  public SourceException(String message) {
    super(message);
  }

  public SourceException(String message, Throwable cause) {
    super(message, cause);
  }
}
