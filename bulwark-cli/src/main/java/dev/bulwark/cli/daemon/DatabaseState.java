package dev.bulwark.cli.daemon;

import dev.bulwark.cli.config.DatabaseConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Objects;

/**
 * What the daemon knows and plans for one database: its schedule, last results, failure counts
 * and recent backups. Not thread-safe: the {@link Daemon} guards it with its lock.
 *
 * <p>Schedule rule: the next backup is due {@code every} after the newest snapshot of this
 * database in the repository (not after the daemon started), so a restart neither adds a
 * backup nor skips one; with no snapshot it is due at once. {@code nextBackup} is null while
 * it is unknown (to be planned from the repository) or while a backup is pending.
 */
final class DatabaseState {
  /** How many ended backup jobs the status keeps. */
  static final int HISTORY_SIZE = 50;
  /** After a failed backup, the next try comes this soon (or after {@code every}, if sooner). */
  static final Duration RETRY_AFTER = Duration.ofMinutes(1);

  DatabaseConfig config;
  /** This host's newest snapshot of the database (not counting future-dated ones), or null. */
  Instant newestSnapshot;
  /** True once the repository's snapshots were read for this database. */
  boolean snapshotsScanned;
  /** This host's snapshots of the database dated in the future, ignored for planning. */
  int futureSnapshots;
  Instant nextBackup;
  boolean backupPending;
  Instant nextVerify;
  boolean verifyPending;
  Instant lastVerifyEnded;
  JobStatus lastBackup;
  JobStatus lastSuccessfulBackup;
  JobStatus lastVerify;
  long backupFailures;
  long verifyFailures;
  /** Jobs of this database that yielded (each resumed by a new job of the same kind). */
  long yields;
  private final ArrayDeque<JobStatus> history = new ArrayDeque<>();

  DatabaseState(DatabaseConfig config) {
    this.config = config;
  }

  /** True if the repository's snapshots must be read: to plan, or once to know the newest. */
  boolean needsRepositoryScan() {
    return needsBackupPlan() || !snapshotsScanned;
  }

  /** True if the next backup must be planned from the repository's snapshots. */
  boolean needsBackupPlan() {
    return config.every() != null && !backupPending && nextBackup == null;
  }

  /** Plans the next backup from the newest snapshot of this database (null: none). */
  void planBackup(Instant newest, Instant now) {
    newestSnapshot = newest;
    nextBackup = newest == null ? now : newest.plus(config.every());
  }

  /** Plans the next verification from the last one, or from {@code since} if none yet. */
  void planVerify(Instant since) {
    if (config.verifyEvery() != null && !verifyPending && nextVerify == null) {
      nextVerify = (lastVerifyEnded != null ? lastVerifyEnded : since)
          .plus(config.verifyEvery());
    }
  }

  boolean isBackupDue(Instant now) {
    return !backupPending && nextBackup != null && !nextBackup.isAfter(now);
  }

  boolean isVerifyDue(Instant now) {
    return !verifyPending && nextVerify != null && !nextVerify.isAfter(now);
  }

  void backupSubmitted() {
    backupPending = true;
    nextBackup = null;
  }

  void verifySubmitted() {
    verifyPending = true;
    nextVerify = null;
  }

  /** Records an ended backup and plans the next one. */
  void backupEnded(JobStatus st, Job.Outcome o, Instant now) {
    backupPending = false;
    lastBackup = st;
    addToHistory(st);
    if (st.state() == JobState.SUCCEEDED) {
      lastSuccessfulBackup = st;
    } else if (st.state() == JobState.FAILED) {
      backupFailures++;
    }
    if (o.snapshotTime() != null
        && (newestSnapshot == null || o.snapshotTime().isAfter(newestSnapshot))) {
      newestSnapshot = o.snapshotTime();
    }
    if (config.every() == null) {
      nextBackup = null;
    } else if (o.snapshotTime() != null) {
      nextBackup = newestSnapshot.plus(config.every());
    } else {
      nextBackup = now.plus(min(config.every(), RETRY_AFTER));
    }
  }

  /** Records an ended verification and plans the next one. */
  void verifyEnded(JobStatus st, Instant now) {
    verifyPending = false;
    lastVerify = st;
    lastVerifyEnded = now;
    if (st.state() == JobState.FAILED) {
      verifyFailures++;
    }
    nextVerify = config.verifyEvery() == null ? null : now.plus(config.verifyEvery());
  }

  /** The backups that ended, oldest first (at most {@link #HISTORY_SIZE}). */
  java.util.List<JobStatus> history() {
    return new ArrayList<>(history);
  }

  /**
   * Takes what a previous daemon remembered: the last jobs, the history, and the last
   * verification's end, from which the next one is planned. What this daemon already knows
   * (a job the API started before the record was read) wins; the record's history goes
   * before its own.
   */
  void recall(DaemonRecord r) {
    if (lastBackup == null) {
      lastBackup = r.lastBackup();
    }
    if (lastSuccessfulBackup == null) {
      lastSuccessfulBackup = r.lastSuccessfulBackup();
    }
    if (lastVerify == null) {
      lastVerify = r.lastVerify();
      lastVerifyEnded = r.lastVerifyEnded();
    }
    java.util.List<JobStatus> recalled = r.history();
    for (int i = recalled.size() - 1; i >= 0; i--) {
      history.addFirst(recalled.get(i));
    }
    while (history.size() > HISTORY_SIZE) {
      history.removeFirst();
    }
  }

  /**
   * Records a job that yielded to more urgent work: not a failure, and nothing is planned,
   * because the supervisor resumes it; a yielded backup stays in the history.
   */
  void jobYielded(JobStatus st) {
    yields++;
    if (st.kind() == JobKind.BACKUP) {
      addToHistory(st);
    }
  }

  /** Takes a reloaded configuration of this database; what changed is planned again. */
  void reconfigure(DatabaseConfig next) {
    // A group's schedule has neither kind nor path: its members are its target.
    boolean sameTarget = next.kind() == config.kind()
        && Objects.equals(next.path(), config.path());
    if (!sameTarget) {
      newestSnapshot = null;
      snapshotsScanned = false;
      futureSnapshots = 0;
    }
    if (!sameTarget || !Objects.equals(next.every(), config.every())) {
      nextBackup = null;
    }
    if (!Objects.equals(next.verifyEvery(), config.verifyEvery())) {
      nextVerify = null;
    }
    config = next;
  }

  DatabaseStatus toStatus(JobStatus current) {
    return new DatabaseStatus(config.name(), config.kind(), config.path(), nextBackup,
        nextVerify, current, lastBackup, lastSuccessfulBackup, lastVerify, backupFailures,
        verifyFailures, new ArrayList<>(history), newestSnapshot, futureSnapshots, null, yields);
  }

  private void addToHistory(JobStatus st) {
    history.addLast(st);
    while (history.size() > HISTORY_SIZE) {
      history.removeFirst();
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
