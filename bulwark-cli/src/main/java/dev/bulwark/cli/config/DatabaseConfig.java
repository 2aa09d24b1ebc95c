package dev.bulwark.cli.config;

import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.retention.RetentionPolicy;
import dev.bulwark.core.stream.ReplicationOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One database the daemon looks after.
 *
 * @param name unique name, used in the API, metrics and snapshot tags
 * @param kind sqlite or rocksdb
 * @param path the database file (SQLite) or folder (RocksDB)
 * @param files files that travel with it (keys, configs), backed up in the same snapshot
 * @param every the backup interval
 * @param retention applied to this database's snapshots after each backup;
 *     {@link RetentionPolicy#KEEP_ALL} when not configured
 * @param verifyEvery how often to restore the newest snapshot to a temporary place and check
 *     it; null for never
 * @param autoRestore restore the newest snapshot on start when the database is missing
 * @param stream how the daemon keeps it streaming (SQLite only), or null when it is not
 *     streamed
 * @param yieldFile a sentinel file: while it exists, this database's scheduled backups and
 *     verifications stop at their next checkpoint and wait; null for none
 * @param chunkBytes the chunk size of its pages in its own backups and its stream's snapshots
 *     (the same in both, so that they share chunks); null for the default, 32 KiB
 */
public record DatabaseConfig(String name, DatabaseType kind, Path path, List<Path> files,
    Duration every, RetentionPolicy retention, Duration verifyEvery, boolean autoRestore,
    StreamConfig stream, Path yieldFile, Integer chunkBytes) {

  public DatabaseConfig {
    files = files == null ? List.of() : List.copyOf(files);
    retention = retention == null ? RetentionPolicy.KEEP_ALL : retention;
  }

  /** A database with the default chunk size. */
  public DatabaseConfig(String name, DatabaseType kind, Path path, List<Path> files,
      Duration every, RetentionPolicy retention, Duration verifyEvery, boolean autoRestore,
      StreamConfig stream, Path yieldFile) {
    this(name, kind, path, files, every, retention, verifyEvery, autoRestore, stream, yieldFile,
        null);
  }

  /** A database without a yield file. */
  public DatabaseConfig(String name, DatabaseType kind, Path path, List<Path> files,
      Duration every, RetentionPolicy retention, Duration verifyEvery, boolean autoRestore,
      StreamConfig stream) {
    this(name, kind, path, files, every, retention, verifyEvery, autoRestore, stream, null);
  }

  /** A database that is backed up on its schedule only, not streamed. */
  public DatabaseConfig(String name, DatabaseType kind, Path path, List<Path> files,
      Duration every, RetentionPolicy retention, Duration verifyEvery, boolean autoRestore) {
    this(name, kind, path, files, every, retention, verifyEvery, autoRestore, null);
  }

  /** These backup options with this database's chunk size, if it has one. */
  public BackupOptions chunked(BackupOptions options) {
    return chunkBytes == null ? options : options.withChunkBytes(chunkBytes);
  }

  /** The stream's replication options with this database's chunk size; streamed only. */
  public ReplicationOptions replicationOptions() {
    ReplicationOptions o = stream.replicationOptions();
    return chunkBytes == null ? o : o.withPageChunkBytes(chunkBytes);
  }

  /** True if the daemon keeps this database streaming. */
  public boolean isStreamed() {
    return stream != null;
  }
}
