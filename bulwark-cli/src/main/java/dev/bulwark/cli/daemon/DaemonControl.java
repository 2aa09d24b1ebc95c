package dev.bulwark.cli.daemon;

import dev.bulwark.cli.config.ConfigException;
import dev.bulwark.cli.config.RepositoryConfig;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.repo.Snapshot;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the HTTP API (and the status page behind it) may ask of a running daemon. Every method
 * is thread-safe and returns quickly; long work runs as a job under the daemon's supervisor.
 */
public interface DaemonControl {
  /**
   * Starts a backup of one database, or returns the backup of it already queued or running:
   * two requests never make two backups.
   *
   * @throws UnknownDatabaseException if no database has that name
   */
  JobHandle backupNow(String database) throws UnknownDatabaseException;

  /**
   * Starts a verification of the newest snapshot of one database (restore to a temporary
   * place and check), or returns the one already queued or running.
   *
   * @throws UnknownDatabaseException if no database has that name
   */
  JobHandle verifyNow(String database) throws UnknownDatabaseException;

  /**
   * Starts backups of one database to each repository it is backed up to, or to the one
   * named by {@code repository} (null: all); as {@link #backupNow(String)} for each.
   *
   * @throws UnknownDatabaseException if no database has that name
   * @throws UnknownRepositoryException if the database is not backed up to that repository
   */
  default List<JobHandle> backupNow(String database, String repository)
      throws UnknownDatabaseException, UnknownRepositoryException {
    if (repository != null && !repository.equals(RepositoryConfig.DEFAULT)) {
      requireDatabase(database);
      throw new UnknownRepositoryException(database, repository);
    }
    return List.of(backupNow(database));
  }

  /**
   * Starts verifications of one database in each of its repositories, or in the one named
   * (null: all); as {@link #verifyNow(String)} for each.
   *
   * @throws UnknownDatabaseException if no database has that name
   * @throws UnknownRepositoryException if the database is not backed up to that repository
   */
  default List<JobHandle> verifyNow(String database, String repository)
      throws UnknownDatabaseException, UnknownRepositoryException {
    if (repository != null && !repository.equals(RepositoryConfig.DEFAULT)) {
      requireDatabase(database);
      throw new UnknownRepositoryException(database, repository);
    }
    return List.of(verifyNow(database));
  }

  /** A consistent picture of every database: schedule, current job, last results. */
  DaemonStatus status();

  /**
   * How often each database (and group) is backed up, by name, as configured now: what
   * {@code /healthz} measures a snapshot's age against. A database without a schedule is
   * absent; so is every database of a control that does not schedule.
   *
   * @param repository with several repositories, the one whose schedules are asked for (a
   *     database may have its own schedule in each); null for the default or only one
   */
  default Map<String, Duration> backupIntervals(String repository) {
    return Map.of();
  }

  /**
   * Snapshots of one database, oldest first; all snapshots in the repository if
   * {@code database} is null.
   */
  List<Snapshot> snapshots(String database)
      throws UnknownDatabaseException, IOException, BulwarkException;

  /**
   * Reads the configuration file again and applies it; the job in progress finishes first.
   *
   * @throws ConfigException if the new file is invalid; the running configuration stays
   */
  void reload() throws ConfigException, IOException;

  private void requireDatabase(String database) throws UnknownDatabaseException {
    if (status().databases().stream().noneMatch(d -> d.name().equals(database))) {
      throw new UnknownDatabaseException(database);
    }
  }
}
