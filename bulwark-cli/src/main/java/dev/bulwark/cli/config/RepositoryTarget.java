package dev.bulwark.cli.config;

import dev.bulwark.core.retention.RetentionPolicy;
import java.time.Duration;

/**
 * One repository a database is backed up to, with the schedule, retention and verification it
 * has there (each repository of a database runs on its own).
 *
 * @param repository the name of a {@link RepositoryConfig}
 * @param every the backup interval there, or null for backups on demand only
 * @param retention applied to the database's snapshots there after each backup
 * @param verifyEvery how often its newest snapshot there is verified, or null for never
 */
public record RepositoryTarget(String repository, Duration every, RetentionPolicy retention,
    Duration verifyEvery) {
  public RepositoryTarget {
    retention = retention == null ? RetentionPolicy.KEEP_ALL : retention;
  }

  /** The database's own schedule, retention and verification, in its default repository. */
  public static RepositoryTarget of(DatabaseConfig db) {
    return new RepositoryTarget(RepositoryConfig.DEFAULT, db.every(), db.retention(),
        db.verifyEvery());
  }
}
