package dev.bulwark.cli.http;

import dev.bulwark.cli.config.DurationText;
import dev.bulwark.cli.config.HealthConfig;
import dev.bulwark.cli.config.RepositoryConfig;
import dev.bulwark.cli.daemon.DaemonControl;
import dev.bulwark.cli.daemon.DaemonStatus;
import dev.bulwark.cli.daemon.DatabaseStatus;
import dev.bulwark.cli.daemon.JobState;
import dev.bulwark.cli.daemon.RepositoryStatus;
import dev.bulwark.cli.daemon.StreamStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code GET /healthz} finds wrong in a daemon's status: a database whose newest snapshot
 * is older than {@link HealthConfig#allowedAge} of its schedule, one whose last verification
 * failed, a stream lagging past {@link HealthConfig#maxStreamLag}, a repository the daemon
 * cannot open. A backup that failed once is not a problem by itself: the next one may succeed,
 * and if none does the snapshot grows stale.
 */
final class HealthCheck {
  /**
   * One thing that needs attention.
   *
   * @param database the database's (or group's) configured name, or null for a repository
   * @param repository the repository's configured name ({@code default} for the top-level one)
   * @param reason a stable word for alerts: {@code stale}, {@code no_snapshot}, {@code
   *     verify_failed}, {@code stream_lag} or {@code repository_unavailable}
   * @param detail one line for a person
   */
  record Problem(String database, String repository, String reason, String detail) {}

  private final HealthConfig config;

  HealthCheck(HealthConfig config) {
    this.config = config;
  }

  /** The problems in {@code status} at {@code now}, in configuration order; empty if none. */
  List<Problem> problems(DaemonControl daemon, DaemonStatus status, Instant now) {
    List<Problem> out = new ArrayList<>();
    if (status.repositories().isEmpty()) {
      Map<String, Duration> intervals = daemon.backupIntervals(null);
      for (DatabaseStatus d : status.databases()) {
        check(d, RepositoryConfig.DEFAULT, intervals, status.started(), now, out);
      }
      return out;
    }
    for (RepositoryStatus r : status.repositories()) {
      if (!r.isUp()) {
        out.add(new Problem(null, r.name(), "repository_unavailable",
            "repository " + r.name() + " (" + r.location() + ") is not open: " + r.error()));
        continue;
      }
      Map<String, Duration> intervals = daemon.backupIntervals(r.name());
      for (DatabaseStatus d : r.databases()) {
        check(d, r.name(), intervals, status.started(), now, out);
      }
    }
    return out;
  }

  private void check(DatabaseStatus d, String repository, Map<String, Duration> intervals,
      Instant started, Instant now, List<Problem> out) {
    Duration every = intervals.get(d.name());
    if (every != null) {
      Duration allowed = config.allowedAge(every);
      String rule = config.staleAfter() != null ? "health.stale-after " + config.staleAfterText()
          : config.staleAfterText() + " its schedule of " + DurationText.format(every);
      if (d.newestSnapshot() != null) {
        Duration age = Duration.between(d.newestSnapshot(), now);
        if (age.compareTo(allowed) > 0) {
          out.add(new Problem(d.name(), repository, "stale", d.name() + ": newest snapshot in "
              + repository + " is " + human(age) + " old (" + d.newestSnapshot() + "); allowed "
              + human(allowed) + " (" + rule + ")" + lastFailure(d)));
        }
      } else if (Duration.between(started, now).compareTo(allowed) > 0) {
        out.add(new Problem(d.name(), repository, "no_snapshot", d.name() + ": no snapshot in "
            + repository + " since the daemon started " + human(Duration.between(started, now))
            + " ago; allowed " + human(allowed) + " (" + rule + ")" + lastFailure(d)));
      }
    }
    if (d.lastVerify() != null && d.lastVerify().state() == JobState.FAILED) {
      Instant at = d.lastVerify().started() != null ? d.lastVerify().started()
          : d.lastVerify().queued();
      out.add(new Problem(d.name(), repository, "verify_failed", d.name() + ": the last "
          + "verification in " + repository + " (" + at + ") failed: " + d.lastVerify().error()));
    }
    StreamStatus s = d.stream();
    if (s != null && s.lag() != null && s.lag().compareTo(config.maxStreamLag()) > 0) {
      out.add(new Problem(d.name(), repository, "stream_lag", d.name() + ": the oldest "
          + "unshipped transaction has waited " + human(s.lag()) + "; allowed "
          + human(config.maxStreamLag()) + " (health.max-stream-lag)"
          + (s.lastError() == null ? "" : "; last stream error: " + s.lastError())));
    }
  }

  private static String lastFailure(DatabaseStatus d) {
    if (d.lastBackup() != null && d.lastBackup().state() == JobState.FAILED) {
      return "; the last backup failed: " + d.lastBackup().error();
    }
    return "";
  }

  /** {@code 3h 5m}, {@code 4m 10s}, {@code 12s}: the two largest units, for a person. */
  static String human(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s >= 86_400) {
      return s / 86_400 + "d " + (s % 86_400) / 3_600 + "h";
    }
    if (s >= 3_600) {
      return s / 3_600 + "h " + (s % 3_600) / 60 + "m";
    }
    if (s >= 60) {
      return s / 60 + "m " + s % 60 + "s";
    }
    return s + "s";
  }
}
