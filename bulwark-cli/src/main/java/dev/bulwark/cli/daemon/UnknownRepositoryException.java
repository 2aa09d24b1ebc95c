package dev.bulwark.cli.daemon;

import dev.bulwark.core.BulwarkException;

/**
 * An API request named a repository that the database is not backed up to, or every
 * repository it asked for is down.
 */
public final class UnknownRepositoryException extends BulwarkException {
  private static final long serialVersionUID = 1L;

  public UnknownRepositoryException(String database, String repository) {
    super("database '" + database + "' is not backed up to a repository named '" + repository
        + "'");
  }

  private UnknownRepositoryException(String message) {
    super(message);
  }

  /** None of the repositories asked for is open now. */
  static UnknownRepositoryException down(String database, String repository) {
    return new UnknownRepositoryException((repository == null ? "no repository of database '"
        + database + "' is" : "repository '" + repository + "' is not") + " open now (see "
        + "status); the daemon tries again to open it every minute");
  }
}
