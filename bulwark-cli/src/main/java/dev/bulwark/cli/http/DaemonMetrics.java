package dev.bulwark.cli.http;

import dev.bulwark.cli.daemon.DaemonControl;
import dev.bulwark.cli.daemon.DaemonStatus;
import dev.bulwark.cli.daemon.DatabaseStatus;
import dev.bulwark.cli.daemon.JobKind;
import dev.bulwark.cli.daemon.JobState;
import dev.bulwark.cli.daemon.JobStatus;
import dev.bulwark.cli.daemon.StreamState;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Instant;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The daemon's Prometheus metrics, computed from one {@link DaemonControl#status()} per scrape
 * so that all values in a scrape describe the same moment. A database that has no value yet
 * (never succeeded, never verified) has no sample in that family, rather than a misleading 0.
 *
 * <table>
 *   <caption>Metric families (label {@code database} = the configured name)</caption>
 *   <tr><th>name</th><th>type</th></tr>
 *   <tr><td>bulwark_backup_last_success_timestamp_seconds</td><td>gauge</td></tr>
 *   <tr><td>bulwark_backup_newest_snapshot_timestamp_seconds</td><td>gauge</td></tr>
 *   <tr><td>bulwark_backup_next_run_timestamp_seconds</td><td>gauge</td></tr>
 *   <tr><td>bulwark_snapshots_in_future</td><td>gauge</td></tr>
 *   <tr><td>bulwark_backup_last_duration_seconds</td><td>gauge</td></tr>
 *   <tr><td>bulwark_backup_last_added_bytes</td><td>gauge</td></tr>
 *   <tr><td>bulwark_backup_failures_total</td><td>counter</td></tr>
 *   <tr><td>bulwark_backup_running</td><td>gauge (1 while a backup is queued or running)</td></tr>
 *   <tr><td>bulwark_verify_last_success_timestamp_seconds</td><td>gauge</td></tr>
 *   <tr><td>bulwark_verify_failures_total</td><td>counter</td></tr>
 *   <tr><td>bulwark_job_yields_total</td><td>counter</td></tr>
 *   <tr><td>bulwark_job_resumed</td><td>gauge (1 while the current job resumes a yielded
 *   one)</td></tr>
 *   <tr><td>bulwark_stream_up</td><td>gauge (1 while streaming, 0 while starting or
 *       retrying; streamed databases only, as the stream families below)</td></tr>
 *   <tr><td>bulwark_stream_lag_seconds</td><td>gauge (live RPO)</td></tr>
 *   <tr><td>bulwark_stream_pending_bytes</td><td>gauge</td></tr>
 *   <tr><td>bulwark_stream_last_shipped_txid</td><td>gauge</td></tr>
 *   <tr><td>bulwark_stream_estimated_restore_seconds</td><td>gauge</td></tr>
 *   <tr><td>bulwark_stream_failures_total</td><td>counter</td></tr>
 *   <tr><td>bulwark_repository_size_bytes</td><td>gauge, no label</td></tr>
 *   <tr><td>bulwark_repository_snapshots</td><td>gauge, no label</td></tr>
 * </table>
 *
 * <p>With several repositories configured, these families have labels {@code repository} (its
 * name), and {@code database} where they are per database: {@code bulwark_repository_up},
 * {@code bulwark_repository_backup_last_success_timestamp_seconds}, {@code
 * bulwark_repository_backup_failures_total}, {@code bulwark_repository_verify_failures_total};
 * the families above then describe each database in its first repository.
 */
final class DaemonMetrics implements MultiCollector {
  private static final String DATABASE = "database";

  private final DaemonControl daemon;

  DaemonMetrics(DaemonControl daemon) {
    this.daemon = daemon;
  }

  @Override
  public MetricSnapshots collect() {
    DaemonStatus s = daemon.status();
    List<DatabaseStatus> dbs = s.databases();
    MetricSnapshots single = MetricSnapshots.of(
        gauge("bulwark_backup_last_success_timestamp_seconds", Unit.SECONDS,
            "Unix time the last successful backup of the database ended; before this "
                + "daemon's first backup, the time of this host's newest snapshot of it.", dbs,
            d -> d.lastSuccessfulBackup() != null ? ended(d.lastSuccessfulBackup())
                : seconds(d.newestSnapshot())),
        gauge("bulwark_backup_newest_snapshot_timestamp_seconds", Unit.SECONDS,
            "Unix time of this host's newest snapshot of the database in the repository "
                + "(snapshots dated in the future are not counted).", dbs,
            d -> seconds(d.newestSnapshot())),
        gauge("bulwark_backup_next_run_timestamp_seconds", Unit.SECONDS,
            "Unix time the schedule runs the next backup of the database.", dbs,
            d -> seconds(d.nextBackup())),
        gauge("bulwark_snapshots_in_future", null,
            "This host's snapshots of the database dated in the future, which the schedule "
                + "ignores; above 0, check the clocks.", dbs,
            DatabaseStatus::futureSnapshots),
        gauge("bulwark_backup_last_duration_seconds", Unit.SECONDS,
            "How long the last backup of the database ran, whatever its outcome.", dbs,
            d -> d.lastBackup() == null || d.lastBackup().duration() == null ? Double.NaN
                : d.lastBackup().duration().toNanos() / 1e9),
        gauge("bulwark_backup_last_added_bytes", Unit.BYTES,
            "New bytes the last successful backup stored in the repository.", dbs,
            d -> d.lastSuccessfulBackup() == null ? Double.NaN
                : d.lastSuccessfulBackup().bytesAdded()),
        counter("bulwark_backup_failures", "Backups of the database that failed since the "
            + "daemon started.", dbs, DatabaseStatus::backupFailures),
        gauge("bulwark_backup_running", null,
            "1 while a backup of the database is queued or running, else 0.", dbs,
            d -> d.current() != null && d.current().kind() == JobKind.BACKUP
                && !d.current().state().isDone() ? 1 : 0),
        gauge("bulwark_verify_last_success_timestamp_seconds", Unit.SECONDS,
            "Unix time the last successful verification of the database ended.", dbs,
            d -> d.lastVerify() != null && d.lastVerify().state() == JobState.SUCCEEDED
                ? ended(d.lastVerify()) : Double.NaN),
        counter("bulwark_verify_failures", "Verifications of the database that failed since "
            + "the daemon started.", dbs, DatabaseStatus::verifyFailures),
        counter("bulwark_job_yields", "Jobs of the database that stopped at a checkpoint for "
            + "more urgent work since the daemon started; each is resumed.", dbs,
            DatabaseStatus::yields),
        gauge("bulwark_job_resumed", null, "1 while the database's current job resumes one "
            + "that yielded, else 0.", dbs,
            d -> d.current() != null && d.current().resumes() != null ? 1 : 0),
        gauge("bulwark_stream_up", null, "1 while the database streams, 0 while its "
            + "replication starts or waits to retry after a failure.", dbs,
            d -> d.stream() == null ? Double.NaN
                : d.stream().state() == StreamState.STREAMING ? 1 : 0),
        gauge("bulwark_stream_lag_seconds", Unit.SECONDS, "Live recovery point: how long the "
            + "oldest committed but not yet shipped transaction has waited (0: all shipped).",
            dbs, d -> d.stream() == null || d.stream().lag() == null ? Double.NaN
                : d.stream().lag().toNanos() / 1e9),
        gauge("bulwark_stream_pending_bytes", Unit.BYTES, "Committed bytes read but not yet "
            + "durable in the repository.", dbs,
            d -> d.stream() == null ? Double.NaN : d.stream().pendingBytes()),
        gauge("bulwark_stream_last_shipped_txid", null, "The newest transaction position "
            + "durable in the repository, within its generation.", dbs,
            d -> d.stream() == null || d.stream().lastShipped() == null ? Double.NaN
                : d.stream().lastShipped().txid()),
        gauge("bulwark_stream_estimated_restore_seconds", Unit.SECONDS, "Estimated time to "
            + "restore the newest shipped state: the last successful verification's duration, "
            + "else the database's size at 100 MiB/s.", dbs,
            d -> d.estimatedRestore() == null ? Double.NaN
                : d.estimatedRestore().toNanos() / 1e9),
        streamCounter("bulwark_stream_failures", "Replications of the database that failed (to "
            + "start or while running) since the daemon started; each is retried.", dbs),
        GaugeSnapshot.builder().name("bulwark_repository_size_bytes").unit(Unit.BYTES)
            .help("Total size of the repository's files, as of the last job.")
            .dataPoint(GaugeDataPointSnapshot.builder().value(s.repositoryBytes()).build())
            .build(),
        GaugeSnapshot.builder().name("bulwark_repository_snapshots")
            .help("Snapshots in the repository, as of the last job.")
            .dataPoint(GaugeDataPointSnapshot.builder().value(s.snapshotCount()).build())
            .build());
    if (s.repositories().isEmpty()) {
      return single;
    }
    MetricSnapshots.Builder b = MetricSnapshots.builder();
    single.forEach(b::metricSnapshot);
    RepositoryMetrics.of(s.repositories()).forEach(b::metricSnapshot);
    return b.build();
  }

  @Override
  public List<String> getPrometheusNames() {
    return List.of("bulwark_backup_last_success_timestamp_seconds",
        "bulwark_backup_newest_snapshot_timestamp_seconds",
        "bulwark_backup_next_run_timestamp_seconds", "bulwark_snapshots_in_future",
        "bulwark_backup_last_duration_seconds", "bulwark_backup_last_added_bytes",
        "bulwark_backup_failures", "bulwark_backup_running",
        "bulwark_verify_last_success_timestamp_seconds", "bulwark_verify_failures",
        "bulwark_stream_up", "bulwark_stream_lag_seconds", "bulwark_stream_pending_bytes",
        "bulwark_stream_last_shipped_txid", "bulwark_stream_estimated_restore_seconds",
        "bulwark_stream_failures",
        "bulwark_repository_size_bytes", "bulwark_repository_snapshots",
        "bulwark_repository_up", "bulwark_repository_backup_last_success_timestamp_seconds",
        "bulwark_repository_backup_failures", "bulwark_repository_verify_failures");
  }

  /** Unix seconds of {@code t}; NaN (no sample) if null. */
  private static double seconds(Instant t) {
    return t == null ? Double.NaN : t.getEpochSecond() + t.getNano() / 1e9;
  }

  /** When a job ended, in Unix seconds; NaN if unknown. */
  static double ended(JobStatus j) {
    if (j == null) {
      return Double.NaN;
    }
    Instant start = j.started() != null ? j.started() : j.queued();
    if (start == null) {
      return Double.NaN;
    }
    Instant end = j.duration() == null ? start : start.plus(j.duration());
    return end.getEpochSecond() + end.getNano() / 1e9;
  }

  /** One sample per database; NaN from {@code value} means "no sample". */
  private static GaugeSnapshot gauge(String name, Unit unit, String help,
      List<DatabaseStatus> dbs, ToDoubleFunction<DatabaseStatus> value) {
    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
    if (unit != null) {
      b.unit(unit);
    }
    for (DatabaseStatus d : dbs) {
      double v = value.applyAsDouble(d);
      if (!Double.isNaN(v)) {
        b.dataPoint(GaugeDataPointSnapshot.builder().labels(Labels.of(DATABASE, d.name()))
            .value(v).build());
      }
    }
    return b.build();
  }

  /** A counter of streamed databases only. */
  private static CounterSnapshot streamCounter(String name, String help,
      List<DatabaseStatus> dbs) {
    return counter(name, help, dbs.stream().filter(d -> d.stream() != null).toList(),
        d -> d.stream().failures());
  }

  private static CounterSnapshot counter(String name, String help, List<DatabaseStatus> dbs,
      ToDoubleFunction<DatabaseStatus> value) {
    CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
    for (DatabaseStatus d : dbs) {
      b.dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of(DATABASE, d.name()))
          .value(value.applyAsDouble(d)).build());
    }
    return b.build();
  }
}
