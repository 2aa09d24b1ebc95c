package dev.bulwark.cli.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.config.DatabaseType;

import dev.bulwark.cli.daemon.DaemonStatus;
import dev.bulwark.cli.daemon.DatabaseStatus;


import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The schedule gauges come from what the daemon read from the repository at start, so a
 * staleness alert works right after a restart, before this daemon's first backup.
 */
class DaemonMetricsTest {
  private static Optional<Double> gauge(DaemonStatus status, String name) {
    for (MetricSnapshot m : new DaemonMetrics(StatusOnlyDaemon.of(status)).collect()) {
      if (m.getMetadata().getPrometheusName().equals(name)) {
        List<? extends DataPointSnapshot> points = m.getDataPoints();
        return points.isEmpty() ? Optional.empty()
            : Optional.of(((GaugeSnapshot.GaugeDataPointSnapshot) points.get(0)).getValue());
      }
    }
    throw new AssertionError("no family " + name);
  }

  @Test
  void afterARestartTheNewestSnapshotStandsForTheLastSuccessAndTheNextRunIsExported() {
    Instant newest = Instant.parse("2026-12-01T10:00:00Z");
    Instant next = Instant.parse("2026-12-01T11:00:00Z");
    DatabaseStatus db = new DatabaseStatus("app", DatabaseType.SQLITE, Path.of("/srv/app.db"),
        next, null, null, null, null, null, 0, 0, List.of(), newest, 2);
    DaemonStatus status = new DaemonStatus(Instant.now(), "/repo", 0, 3, List.of(db));

    assertThat(gauge(status, "bulwark_backup_last_success_timestamp_seconds"))
        .hasValue((double) newest.getEpochSecond());
    assertThat(gauge(status, "bulwark_backup_newest_snapshot_timestamp_seconds"))
        .hasValue((double) newest.getEpochSecond());
    assertThat(gauge(status, "bulwark_backup_next_run_timestamp_seconds"))
        .hasValue((double) next.getEpochSecond());
    assertThat(gauge(status, "bulwark_snapshots_in_future")).hasValue(2.0);

    DatabaseStatus never = new DatabaseStatus("app", DatabaseType.SQLITE,
        Path.of("/srv/app.db"), null, null, null, null, null, null, 0, 0, List.of(), null, 0);
    DaemonStatus empty = new DaemonStatus(Instant.now(), "/repo", 0, 0, List.of(never));
    assertThat(gauge(empty, "bulwark_backup_last_success_timestamp_seconds"))
        .as("no snapshot: no sample rather than 1970").isEmpty();
    assertThat(gauge(empty, "bulwark_backup_next_run_timestamp_seconds")).isEmpty();
  }
}
