package dev.bulwark.cli.daemon;

import dev.bulwark.cli.config.DatabaseType;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * One configured database, as the API and status page show it.
 *
 * @param name its configured name
 * @param kind sqlite or rocksdb
 * @param path where it lives
 * @param nextBackup when the schedule runs the next backup, or null if it has no schedule
 * @param nextVerify when the next scheduled verification runs, or null
 * @param current the job queued or running for it, or null
 * @param lastBackup the last backup job that ended (any outcome), or null
 * @param lastSuccessfulBackup the last backup job that succeeded, or null
 * @param lastVerify the last verification that ended, or null
 * @param backupFailures backups that failed since the daemon started
 * @param verifyFailures verifications that failed since the daemon started
 * @param history recent backup jobs that ended, oldest first (bounded, e.g. the last 50)
 * @param newestSnapshot the time of this host's newest snapshot of the database in the
 *     repository (read at start, then updated by each backup), or null if none is known;
 *     snapshots dated in the future are not counted
 * @param futureSnapshots this host's snapshots of the database dated in the future (beyond the
 *     allowed clock skew), which scheduling ignores
 * @param stream its replication, or null if it is not streamed
 * @param yields jobs of this database that yielded to more urgent work since the daemon
 *     started (each was resumed by a new job); not failures
 */
public record DatabaseStatus(String name, DatabaseType kind, Path path, Instant nextBackup,
    Instant nextVerify, JobStatus current, JobStatus lastBackup, JobStatus lastSuccessfulBackup,
    JobStatus lastVerify, long backupFailures, long verifyFailures, List<JobStatus> history,
    Instant newestSnapshot, int futureSnapshots, StreamStatus stream, long yields) {

  public DatabaseStatus {
    history = history == null ? List.of() : List.copyOf(history);
  }

  /** A database none of whose jobs yielded. */
  public DatabaseStatus(String name, DatabaseType kind, Path path, Instant nextBackup,
      Instant nextVerify, JobStatus current, JobStatus lastBackup,
      JobStatus lastSuccessfulBackup, JobStatus lastVerify, long backupFailures,
      long verifyFailures, List<JobStatus> history, Instant newestSnapshot,
      int futureSnapshots, StreamStatus stream) {
    this(name, kind, path, nextBackup, nextVerify, current, lastBackup, lastSuccessfulBackup,
        lastVerify, backupFailures, verifyFailures, history, newestSnapshot, futureSnapshots,
        stream, 0);
  }

  /** A database that is not streamed. */
  public DatabaseStatus(String name, DatabaseType kind, Path path, Instant nextBackup,
      Instant nextVerify, JobStatus current, JobStatus lastBackup,
      JobStatus lastSuccessfulBackup, JobStatus lastVerify, long backupFailures,
      long verifyFailures, List<JobStatus> history, Instant newestSnapshot,
      int futureSnapshots) {
    this(name, kind, path, nextBackup, nextVerify, current, lastBackup, lastSuccessfulBackup,
        lastVerify, backupFailures, verifyFailures, history, newestSnapshot, futureSnapshots,
        null);
  }

  /** This status with its replication's. */
  public DatabaseStatus withStream(StreamStatus s) {
    return new DatabaseStatus(name, kind, path, nextBackup, nextVerify, current, lastBackup,
        lastSuccessfulBackup, lastVerify, backupFailures, verifyFailures, history,
        newestSnapshot, futureSnapshots, s, yields);
  }

  /**
   * The estimated time to restore the newest shipped state of a streamed database (see {@link
   * StreamStatus#estimatedRestore}), or null if it is not streamed or nothing is known.
   */
  public java.time.Duration estimatedRestore() {
    if (stream == null) {
      return null;
    }
    boolean verified = lastVerify != null && lastVerify.state() == JobState.SUCCEEDED;
    return stream.estimatedRestore(verified ? lastVerify.duration() : null);
  }
}
