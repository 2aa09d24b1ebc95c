package dev.bulwark.cli.config;

import dev.bulwark.core.retention.RetentionPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Several configured databases of one service backed up together, as one group snapshot: every
 * member is opened before any is read, so they are taken as close to one moment as their
 * engines allow.
 *
 * @param name unique among groups and databases, used in the API, status and the snapshot's
 *     {@code bulwark:group=} tag
 * @param databases the members, configured under {@code databases:} and named there, in order
 *     (member 1 first); none is streamed
 * @param files files that travel with the group (keys, configs), in the same snapshot
 * @param every the backup interval, or null for backups on demand only
 * @param retention applied to this host's snapshots of the group after each backup;
 *     {@link RetentionPolicy#KEEP_ALL} when not configured
 */
public record GroupConfig(String name, List<DatabaseConfig> databases, List<Path> files,
    Duration every, RetentionPolicy retention) {

  public GroupConfig {
    databases = List.copyOf(databases);
    files = files == null ? List.of() : List.copyOf(files);
    retention = retention == null ? RetentionPolicy.KEEP_ALL : retention;
  }
}
