package dev.bulwark.cli.daemon;

import dev.bulwark.core.BulwarkException;

/** An API request named a database the configuration does not have. */
public final class UnknownDatabaseException extends BulwarkException {
  private static final long serialVersionUID = 1L;

  public UnknownDatabaseException(String name) {
    super("no database named '" + name + "' in the configuration");
  }

  /** A request named something configured that it does not apply to, saying why. */
  UnknownDatabaseException(String name, String why) {
    super("'" + name + "' " + why);
  }
}
