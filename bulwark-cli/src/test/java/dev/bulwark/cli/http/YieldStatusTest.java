package dev.bulwark.cli.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.config.DatabaseType;

import dev.bulwark.cli.daemon.DaemonStatus;
import dev.bulwark.cli.daemon.DatabaseStatus;

import dev.bulwark.cli.daemon.JobKind;
import dev.bulwark.cli.daemon.JobState;
import dev.bulwark.cli.daemon.JobStatus;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A job that yielded and the one resuming it, as /metrics and the status JSON show them. */
class YieldStatusTest {
  private static final Instant T = Instant.parse("2026-12-04T12:00:00Z");

  private static DaemonStatus status(JobStatus current, JobStatus lastVerify, long yields) {
    DatabaseStatus db = new DatabaseStatus("app", DatabaseType.SQLITE, Path.of("/srv/app.db"),
        null, null, current, null, null, lastVerify, 0, 0, List.of(), null, 0, null, yields);
    return new DaemonStatus(T, "/repo", 0, 1, List.of(db));
  }


  private static double value(DaemonStatus status, String name) {
    for (MetricSnapshot m : new DaemonMetrics(StatusOnlyDaemon.of(status)).collect()) {
      if (m.getMetadata().getPrometheusName().equals(name)) {
        Object p = m.getDataPoints().get(0);
        return p instanceof CounterSnapshot.CounterDataPointSnapshot c ? c.getValue()
            : ((GaugeSnapshot.GaugeDataPointSnapshot) p).getValue();
      }
    }
    throw new AssertionError("no family " + name);
  }

  @Test
  void aYieldedJobIsCountedAndItsResumptionShown() {
    JobStatus yielded = new JobStatus("4", JobKind.VERIFY, "app", JobState.YIELDED, T, T,
        Duration.ofSeconds(3), null, 0, "backup of app (job 5) is waiting", null);
    JobStatus resuming = new JobStatus("6", JobKind.VERIFY, "app", JobState.RUNNING, T, T,
        null, null, 0, null, "4");
    DaemonStatus during = status(resuming, null, 1);

    assertThat(value(during, "bulwark_job_yields")).isEqualTo(1.0);
    assertThat(value(during, "bulwark_job_resumed")).isEqualTo(1.0);
    assertThat(value(status(null, null, 0), "bulwark_job_yields")).isZero();
    assertThat(value(status(null, null, 0), "bulwark_job_resumed")).isZero();
    // A yielded verification is not a success (nor a failure).
    assertThat(value(status(null, yielded, 1), "bulwark_verify_failures")).isZero();

    var json = StatusJson.database(during.databases().get(0));
    assertThat(json.path("yields").asLong()).isEqualTo(1);
    assertThat(json.path("current").path("resumes_job").asText()).isEqualTo("4");
    assertThat(StatusJson.job(yielded).path("state").asText()).isEqualTo("yielded");
    assertThat(StatusJson.job(yielded).path("error").asText()).contains("is waiting");
  }
}
