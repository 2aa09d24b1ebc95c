package dev.bulwark.cli.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.cli.testing.PrometheusText;
import dev.bulwark.cli.testing.PrometheusText.Family;
import dev.bulwark.cli.testing.PrometheusText.Sample;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /metrics} is valid Prometheus text and says what the daemon did. */
class MetricsTest {
  @TempDir Path dir;
  private ApiFixture api;

  @BeforeEach
  void start() throws Exception {
    api = new ApiFixture(dir, "ledger", "wallet");
  }

  @AfterEach
  void stop() throws Exception {
    api.close();
  }

  private Map<String, Family> scrape() throws Exception {
    HttpResponse<String> r = api.get("/metrics", "Bearer " + api.token);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).get().asString()
        .startsWith("text/plain").contains("version=0.0.4");
    return PrometheusText.parse(r.body());
  }

  private static Optional<Double> value(Map<String, Family> m, String family, String sample,
      String database) {
    Family f = m.get(family);
    assertThat(f).as(family).isNotNull();
    return f.samples().stream().filter(s -> s.name().equals(sample))
        .filter(s -> database == null ? s.labels().isEmpty()
            : s.labels().equals(Map.of("database", database)))
        .map(Sample::value).findFirst();
  }

  @Test
  void metricsDescribeBackupsFailuresAndTheRepository() throws Exception {
    Map<String, Family> before = scrape();
    assertThat(before.keySet()).containsExactlyInAnyOrder("bulwark_backup_failures_total",
        "bulwark_snapshots_in_future",
        "bulwark_verify_failures_total", "bulwark_repository_size_bytes",
        "bulwark_repository_snapshots", "bulwark_backup_running", "bulwark_job_yields_total",
        "bulwark_job_resumed");
    assertThat(before.get("bulwark_backup_failures_total").type()).isEqualTo("counter");
    assertThat(before.get("bulwark_backup_failures_total").help()).isNotEmpty();
    // Never backed up: no timestamp at all rather than 1970 (a family without samples is left
    // out of the exposition).
    assertThat(before).doesNotContainKey("bulwark_backup_last_success_timestamp_seconds");
    assertThat(value(before, "bulwark_backup_failures_total", "bulwark_backup_failures_total",
        "ledger")).hasValue(0.0);
    assertThat(value(before, "bulwark_repository_snapshots", "bulwark_repository_snapshots",
        null)).hasValue(0.0);

    Instant t0 = Instant.now();
    JsonNode ok = api.result("backup_now", "{\"database\":\"ledger\"}").path("jobs").get(0);
    Instant t1 = Instant.now();
    Files.delete(dir.resolve("wallet.db"));
    JsonNode failed = api.result("backup_now", "{\"database\":\"wallet\"}").path("jobs").get(0);
    assertThat(failed.path("state").asText()).isEqualTo("failed");
    api.result("verify_now", "{\"database\":\"ledger\"}");

    Map<String, Family> after = scrape();
    assertThat(after.keySet()).containsExactlyInAnyOrder("bulwark_backup_failures_total",
        "bulwark_snapshots_in_future",
        "bulwark_verify_failures_total", "bulwark_repository_size_bytes",
        "bulwark_repository_snapshots", "bulwark_backup_running", "bulwark_job_yields_total",
        "bulwark_job_resumed", "bulwark_backup_last_success_timestamp_seconds", "bulwark_backup_last_duration_seconds",
        "bulwark_backup_last_added_bytes", "bulwark_verify_last_success_timestamp_seconds");
    assertThat(after.get("bulwark_backup_last_success_timestamp_seconds").type())
        .isEqualTo("gauge");
    double success = value(after, "bulwark_backup_last_success_timestamp_seconds",
        "bulwark_backup_last_success_timestamp_seconds", "ledger").orElseThrow();
    assertThat(success).isBetween(t0.getEpochSecond() - 1.0, t1.getEpochSecond() + 1.0);
    assertThat(value(after, "bulwark_backup_last_success_timestamp_seconds",
        "bulwark_backup_last_success_timestamp_seconds", "wallet")).isEmpty();
    assertThat(value(after, "bulwark_backup_last_duration_seconds",
        "bulwark_backup_last_duration_seconds", "ledger").orElseThrow())
        .isCloseTo(ok.path("duration_seconds").asDouble(), org.assertj.core.data.Offset
            .offset(1e-6));
    assertThat(value(after, "bulwark_backup_last_added_bytes", "bulwark_backup_last_added_bytes",
        "ledger")).hasValue((double) ok.path("bytes_added").asLong());
    assertThat(ok.path("bytes_added").asLong()).isGreaterThan(100_000);
    assertThat(value(after, "bulwark_backup_failures_total", "bulwark_backup_failures_total",
        "wallet")).hasValue(1.0);
    assertThat(value(after, "bulwark_backup_failures_total", "bulwark_backup_failures_total",
        "ledger")).hasValue(0.0);
    assertThat(value(after, "bulwark_verify_last_success_timestamp_seconds",
        "bulwark_verify_last_success_timestamp_seconds", "ledger").orElseThrow())
        .isGreaterThanOrEqualTo(success);
    assertThat(value(after, "bulwark_verify_failures_total", "bulwark_verify_failures_total",
        "ledger")).hasValue(0.0);
    assertThat(value(after, "bulwark_backup_running", "bulwark_backup_running", "ledger"))
        .hasValue(0.0);
    assertThat(value(after, "bulwark_repository_snapshots", "bulwark_repository_snapshots",
        null)).hasValue(1.0);
    long bytes = api.result("status", null).path("repository_bytes").asLong();
    assertThat(value(after, "bulwark_repository_size_bytes", "bulwark_repository_size_bytes",
        null)).hasValue((double) bytes);
    assertThat(bytes).isGreaterThan(ok.path("bytes_added").asLong());
  }

  @Test
  void theParserRejectsMalformedExpositions() {
    String ok = "# HELP a_total x\n# TYPE a counter\na_total{database=\"n\"} 1\n";
    assertThat(PrometheusText.parse(ok).get("a").samples()).hasSize(1);
    for (String bad : new String[] {
        "a 1\n", // no TYPE
        "# TYPE a gauge\na{x=\"1\"} one\n", // value
        "# TYPE a gauge\na{x=1} 1\n", // unquoted label
        "# TYPE a gauge\na{x=\"1\",x=\"2\"} 1\n", // duplicate label
        "# TYPE a counter\na 1\n", // counter sample without _total
        "# TYPE a gauge\n# TYPE b gauge\na 1\n", // sample outside its block
        "# TYPE a gauge\na 1\na 2\n", // duplicate series
        "# TYPE a gauge\na 1", // no final newline
        "# TYPE a gauge\na{x=\"\\q\"} 1\n", // bad escape
    }) {
      assertThatThrownBy(() -> PrometheusText.parse(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
