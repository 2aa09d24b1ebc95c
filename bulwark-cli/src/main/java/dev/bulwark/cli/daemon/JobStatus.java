package dev.bulwark.cli.daemon;

import java.time.Duration;
import java.time.Instant;

/**
 * One job, as the API reports it.
 *
 * @param id unique within the daemon's run
 * @param kind backup, verify, ...
 * @param database the database's configured name
 * @param state queued, running or how it ended
 * @param queued when it was asked for
 * @param started when it began running, or null
 * @param duration how long it ran, or null while not ended
 * @param snapshotId the snapshot made (backup) or checked (verify), or null
 * @param bytesAdded new bytes stored in the repository by a backup; 0 otherwise
 * @param error one line saying why it failed (or, for a yielded job, why it yielded), or null
 * @param resumes the id of the yielded job this one resumes, or null
 */
public record JobStatus(String id, JobKind kind, String database, JobState state, Instant queued,
    Instant started, Duration duration, String snapshotId, long bytesAdded, String error,
    String resumes) {

  /** A job that resumes none. */
  public JobStatus(String id, JobKind kind, String database, JobState state, Instant queued,
      Instant started, Duration duration, String snapshotId, long bytesAdded, String error) {
    this(id, kind, database, state, queued, started, duration, snapshotId, bytesAdded, error,
        null);
  }
}
