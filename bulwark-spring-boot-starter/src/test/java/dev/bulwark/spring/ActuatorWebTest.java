package dev.bulwark.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.testing.Slow;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One whole web application with actuator, on a real repository and database: the meters in
 * {@code /actuator/prometheus} under the daemon's names, health {@code bulwark}, the {@code
 * bulwark} endpoint over HTTP, and no password in {@code /actuator/configprops}.
 */
@Slow
class ActuatorWebTest {
  @TempDir Path tmp;

  /** The application: nothing but auto-configuration. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void metricsHealthAndEndpointOverHttp() throws Exception {
    TestRepo repo = TestRepo.create(tmp);
    Path db = TestRepo.ledger(tmp.resolve("ledger.db"), 3);
    String[] props = repo.properties(db, "server.port=0", "server.address=127.0.0.1",
        "management.endpoints.web.exposure.include=health,prometheus,bulwark,configprops",
        "management.endpoint.health.show-details=always",
        "management.endpoint.configprops.show-values=always");
    try (ConfigurableApplicationContext app = new SpringApplicationBuilder(App.class)
        .properties(props).run()) {
      int port = ((WebServerApplicationContext) app).getWebServer().getPort();
      String base = "http://127.0.0.1:" + port + "/actuator";

      HttpResponse<String> backup = post(base + "/bulwark/backup");
      assertThat(backup.statusCode()).isEqualTo(200);
      assertThat(backup.body()).contains("\"action\":\"backup\"", "\"ok\":true");

      String metrics = get(base + "/prometheus").body();
      assertThat(metrics).contains(
          "bulwark_backup_last_success_timestamp_seconds{database=\"ledger\"}",
          "bulwark_backup_newest_snapshot_timestamp_seconds{database=\"ledger\"}",
          "bulwark_backup_last_duration_seconds{database=\"ledger\"}",
          "bulwark_backup_failures_total{database=\"ledger\"} 0.0",
          "bulwark_backup_running{database=\"ledger\"} 0.0",
          "bulwark_verify_failures_total{database=\"ledger\"} 0.0",
          "bulwark_stream_up{database=\"ledger\"} 1.0",
          "bulwark_stream_lag_seconds{database=\"ledger\"}",
          "bulwark_stream_pending_bytes{database=\"ledger\"}",
          "bulwark_stream_last_shipped_txid{database=\"ledger\"}",
          "bulwark_stream_failures_total{database=\"ledger\"} 0.0",
          "bulwark_repository_up 1.0");

      HttpResponse<String> health = get(base + "/health/bulwark");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).contains("\"status\":\"UP\"", "\"lastSnapshot\"");

      HttpResponse<String> listed = get(base + "/bulwark");
      assertThat(listed.statusCode()).isEqualTo(200);
      assertThat(listed.body()).contains("\"database\":\"ledger\"", "\"shortId\"");

      HttpResponse<String> unknown = post(base + "/bulwark/restore");
      assertThat(unknown.statusCode()).isEqualTo(400);

      String configprops = get(base + "/configprops").body();
      assertThat(configprops).contains("passwordFile", repo.passwordFile().toString())
          .doesNotContain("test password");
    }
  }

  private HttpResponse<String> get(String uri) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String uri) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }
}
