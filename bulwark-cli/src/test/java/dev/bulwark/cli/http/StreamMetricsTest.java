package dev.bulwark.cli.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.cli.config.DatabaseType;

import dev.bulwark.cli.daemon.DaemonStatus;
import dev.bulwark.cli.daemon.DatabaseStatus;

import dev.bulwark.cli.daemon.JobKind;
import dev.bulwark.cli.daemon.JobState;
import dev.bulwark.cli.daemon.JobStatus;
import dev.bulwark.cli.daemon.StreamState;
import dev.bulwark.cli.daemon.StreamStatus;
import dev.bulwark.cli.testing.PrometheusText;

import dev.bulwark.core.stream.StreamPosition;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A streamed database's metrics and status JSON: live RPO, pending bytes, last shipped txid and
 * the restore estimate, for streamed databases only; a database that does not stream has no
 * stream sample and a JSON null.
 */
class StreamMetricsTest {
  private static final long GENERATION = 0x0190a3c1d2e40001L;
  private static final Instant NOW = Instant.parse("2026-12-04T08:00:00Z");

  @Test
  void aStreamedDatabaseExportsItsLagPendingBytesPositionAndRestoreEstimate() throws Exception {
    StreamStatus live = new StreamStatus(StreamState.STREAMING, Duration.ofMillis(750), 8192,
        new StreamPosition(GENERATION, 1234), NOW, 2, "backend unreachable", 300L << 20);
    DaemonStatus status = status(db("app", live, null), db("index", null, null));

    Map<String, PrometheusText.Family> m = PrometheusText.parse(text(status));
    assertThat(value(m, "bulwark_stream_up", "app")).isEqualTo(1.0);
    assertThat(value(m, "bulwark_stream_lag_seconds", "app")).isEqualTo(0.75);
    assertThat(value(m, "bulwark_stream_pending_bytes", "app")).isEqualTo(8192.0);
    assertThat(value(m, "bulwark_stream_last_shipped_txid", "app")).isEqualTo(1234.0);
    // No verification yet: 300 MiB at the assumed 100 MiB/s.
    assertThat(value(m, "bulwark_stream_estimated_restore_seconds", "app")).isEqualTo(3.0);
    assertThat(value(m, "bulwark_stream_failures_total", "app")).isEqualTo(2.0);
    for (String family : List.of("bulwark_stream_up", "bulwark_stream_lag_seconds",
        "bulwark_stream_failures_total")) {
      assertThat(m.get(family).samples()).as(family + ": the database that does not stream")
          .noneMatch(s -> s.labels().get("database").equals("index"));
    }

    JsonNode json = StatusJson.daemon(status, NOW).get("databases");
    JsonNode s = json.get(0).get("stream");
    assertThat(s.get("state").asText()).isEqualTo("streaming");
    assertThat(s.get("lag_seconds").asDouble()).isEqualTo(0.75);
    assertThat(s.get("pending_bytes").asLong()).isEqualTo(8192);
    assertThat(s.get("generation").asText()).isEqualTo("0190a3c1d2e40001");
    assertThat(s.get("last_shipped_txid").asLong()).isEqualTo(1234);
    assertThat(s.get("failures").asLong()).isEqualTo(2);
    assertThat(s.get("estimated_restore_seconds").asDouble()).isEqualTo(3.0);
    assertThat(json.get(1).get("stream").isNull()).isTrue();
  }

  @Test
  void aVerificationMeasuresTheRestoreAndARetryingStreamIsDownWithoutALag() throws Exception {
    StreamStatus retrying = new StreamStatus(StreamState.RETRYING, null, 0, null, NOW, 1,
        "cannot start streaming: database is locked", 300L << 20);
    JobStatus verify = new JobStatus("7", JobKind.VERIFY, "app", JobState.SUCCEEDED, NOW, NOW,
        Duration.ofMillis(4500), null, 0, null);
    DaemonStatus status = status(db("app", retrying, verify));

    Map<String, PrometheusText.Family> m = PrometheusText.parse(text(status));
    assertThat(value(m, "bulwark_stream_up", "app")).isEqualTo(0.0);
    assertThat(m.containsKey("bulwark_stream_lag_seconds")
        && !m.get("bulwark_stream_lag_seconds").samples().isEmpty())
        .as("no lag sample while not streaming").isFalse();
    assertThat(value(m, "bulwark_stream_estimated_restore_seconds", "app")).isEqualTo(4.5);
    JsonNode s = StatusJson.daemon(status, NOW).get("databases").get(0).get("stream");
    assertThat(s.get("state").asText()).isEqualTo("retrying");
    assertThat(s.get("lag_seconds").isNull()).isTrue();
    assertThat(s.get("last_shipped_txid").isNull()).isTrue();
    assertThat(s.get("error").asText()).contains("database is locked");
  }

  private static DatabaseStatus db(String name, StreamStatus stream, JobStatus lastVerify) {
    return new DatabaseStatus(name, DatabaseType.SQLITE, Path.of("/srv/" + name + ".db"), null,
        null, null, null, null, lastVerify, 0, 0, List.of(), null, 0, stream);
  }

  private static DaemonStatus status(DatabaseStatus... dbs) {
    return new DaemonStatus(NOW, "/repo", 0, 0, List.of(dbs));
  }

  private static String text(DaemonStatus status) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out,
        new DaemonMetrics(StatusOnlyDaemon.of(status)).collect());
    return out.toString(StandardCharsets.UTF_8);
  }

  private static double value(Map<String, PrometheusText.Family> m, String family, String db) {
    PrometheusText.Family f = m.get(family);
    assertThat(f).as(family).isNotNull();
    return f.samples().stream().filter(s -> db.equals(s.labels().get("database")))
        .findFirst().orElseThrow(() -> new AssertionError("no " + family + " of " + db))
        .value();
  }

}
