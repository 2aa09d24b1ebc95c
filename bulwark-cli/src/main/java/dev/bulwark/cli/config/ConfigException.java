package dev.bulwark.cli.config;

import dev.bulwark.core.BulwarkException;

/** A configuration that cannot be used; the message names the file, line and field. */
public final class ConfigException extends BulwarkException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
