package dev.bulwark.s3;

import dev.bulwark.core.BulwarkException;

/**
 * S3 settings that cannot be used: a value out of its range, a key file that is missing, empty
 * or readable by others. The message is one line naming the setting (as the caller named it,
 * e.g. {@code bulwark.s3.secret-key-file}) and never holds a key.
 */
public final class S3SettingsException extends BulwarkException {
  private static final long serialVersionUID = 1L;

  /**
   * A failure without an underlying exception.
   *
   * @param message one line naming the setting and what is wrong with it
   */
  public S3SettingsException(String message) {
    super(message);
  }

  /**
   * A failure caused by another, e.g. a key file that cannot be read.
   *
   * @param message one line naming the setting and what is wrong with it
   * @param cause the failure underneath
   */
  public S3SettingsException(String message, Throwable cause) {
    super(message, cause);
  }
}
