package dev.bulwark.cli.http;

import dev.bulwark.cli.daemon.DatabaseStatus;
import dev.bulwark.cli.daemon.RepositoryStatus;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The metric families of a daemon with several repositories, labelled by {@code repository}
 * (and {@code database}), so an alert can tell which copy of a database went stale.
 */
final class RepositoryMetrics {
  private RepositoryMetrics() {}

  static List<MetricSnapshot> of(List<RepositoryStatus> repos) {
    GaugeSnapshot.Builder up = GaugeSnapshot.builder().name("bulwark_repository_up")
        .help("1 while the repository is open, 0 while it cannot be opened (unreachable, "
            + "locked, wrong password); the daemon tries again every minute.");
    for (RepositoryStatus r : repos) {
      up.dataPoint(GaugeDataPointSnapshot.builder().labels(Labels.of("repository", r.name()))
          .value(r.isUp() ? 1 : 0).build());
    }
    GaugeSnapshot.Builder last = GaugeSnapshot.builder()
        .name("bulwark_repository_backup_last_success_timestamp_seconds").unit(Unit.SECONDS)
        .help("Unix time the last successful backup of the database to the repository "
            + "ended; before the first, the time of this host's newest snapshot of it there.");
    for (RepositoryStatus r : repos) {
      for (DatabaseStatus d : r.databases()) {
        double v = d.lastSuccessfulBackup() != null
            ? DaemonMetrics.ended(d.lastSuccessfulBackup()) : seconds(d.newestSnapshot());
        if (!Double.isNaN(v)) {
          last.dataPoint(GaugeDataPointSnapshot.builder().labels(labels(r, d)).value(v)
              .build());
        }
      }
    }
    return List.of(up.build(), last.build(),
        counter("bulwark_repository_backup_failures", "Backups of the database to the "
            + "repository that failed since the daemon started.", repos,
            DatabaseStatus::backupFailures),
        counter("bulwark_repository_verify_failures", "Verifications of the database in the "
            + "repository that failed since the daemon started.", repos,
            DatabaseStatus::verifyFailures));
  }

  private static CounterSnapshot counter(String name, String help, List<RepositoryStatus> repos,
      ToDoubleFunction<DatabaseStatus> value) {
    CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
    for (RepositoryStatus r : repos) {
      for (DatabaseStatus d : r.databases()) {
        b.dataPoint(CounterDataPointSnapshot.builder().labels(labels(r, d))
            .value(value.applyAsDouble(d)).build());
      }
    }
    return b.build();
  }

  private static Labels labels(RepositoryStatus r, DatabaseStatus d) {
    return Labels.of("database", d.name(), "repository", r.name());
  }

  private static double seconds(java.time.Instant t) {
    return t == null ? Double.NaN : t.getEpochSecond() + t.getNano() / 1e9;
  }
}
