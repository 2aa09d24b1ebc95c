package dev.bulwark.cli.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.cli.config.ApiConfig;
import dev.bulwark.cli.config.BulwarkConfig;
import dev.bulwark.cli.config.ConfigLoader;
import dev.bulwark.cli.daemon.RepositoryDaemons;
import dev.bulwark.cli.testing.PrometheusText;
import dev.bulwark.cli.testing.PrometheusText.Family;
import dev.bulwark.cli.testing.PrometheusText.Sample;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.repo.Repository;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API of a daemon with several repositories: "back up now" to all of a database's
 * repositories or to one, status and metrics per repository, a repository that is down shown.
 */
class RepositoriesApiTest {
  private static final String PASSWORD = "api with repositories";
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void backupNowGoesToEveryRepositoryOrTheOneNamedAndStatusAndMetricsSayWhere()
      throws Exception {
    for (String r : new String[] {"near", "far"}) {
      Repository.init(LocalBackend.open(dir.resolve(r)),
          PASSWORD.getBytes(StandardCharsets.UTF_8), new Kdf.Params(1024, 8, 1)).close();
    }
    Files.writeString(dir.resolve("pw"), PASSWORD);
    Files.writeString(dir.resolve("token"), "t0ken-for-the-repositories-api-test\n");
    Files.setPosixFilePermissions(dir.resolve("token"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    ApiFixture.createDatabase(dir.resolve("app.db"), 50);
    Path file = Files.writeString(dir.resolve("bulwark.yml"), """
        repository: near
        password-file: pw
        api: {token-file: token}
        repositories:
          far: {location: far}
          gone: {location: nowhere}
        databases:
          - {name: app, kind: sqlite, path: app.db, repositories: [default, far, gone]}
        """);
    BulwarkConfig cfg = ConfigLoader.load(file, Map.of());
    try (RepositoryDaemons d = RepositoryDaemons.open(cfg, () -> cfg, Clock.systemUTC(),
            Duration.ofSeconds(5));
        ApiServer api = new ApiServer(new ApiConfig("127.0.0.1", 0, dir.resolve("token"), true),
            d, Clock.systemUTC(), 0)) {
      api.start();
      JsonNode one = rpc(api, "backup_now", "{\"database\":\"app\",\"repository\":\"far\","
          + "\"wait\":30}").get("result").get("jobs");
      assertThat(one.size()).isEqualTo(1);
      assertThat(one.get(0).get("state").asText()).isEqualTo("succeeded");
      JsonNode all = rpc(api, "backup_now", "{\"database\":\"app\",\"wait\":30}")
          .get("result").get("jobs");
      assertThat(all.size()).as("near and far; gone is down").isEqualTo(2);
      JsonNode bad = rpc(api, "backup_now", "{\"database\":\"app\",\"repository\":\"farr\"}");
      assertThat(bad.get("error").get("code").asInt()).isEqualTo(RpcException.INVALID_PARAMS);
      assertThat(bad.get("error").get("message").asText()).contains("'farr'");

      JsonNode repos = rpc(api, "status", null).get("result").get("repositories");
      assertThat(repos.size()).isEqualTo(3);
      assertThat(repos.get(0).get("name").asText()).isEqualTo("default");
      assertThat(repos.get(1).get("snapshot_count").asInt()).isEqualTo(2);
      assertThat(repos.get(0).get("snapshot_count").asInt()).isEqualTo(1);
      assertThat(repos.get(2).get("up").asBoolean()).isFalse();
      assertThat(repos.get(2).get("error").asText()).contains("nowhere");

      HttpResponse<String> m = http.send(request(api, "/metrics").GET().build(),
          HttpResponse.BodyHandlers.ofString());
      Map<String, Family> metrics = PrometheusText.parse(m.body());
      assertThat(sample(metrics, "bulwark_repository_up", Map.of("repository", "far")))
          .isEqualTo(1.0);
      assertThat(sample(metrics, "bulwark_repository_up", Map.of("repository", "gone")))
          .isEqualTo(0.0);
      assertThat(sample(metrics, "bulwark_repository_backup_failures_total",
          Map.of("database", "app", "repository", "far"))).isEqualTo(0.0);
      assertThat(sample(metrics, "bulwark_repository_backup_last_success_timestamp_seconds",
          Map.of("database", "app", "repository", "default"))).isPositive();
    }
  }

  private static double sample(Map<String, Family> m, String name, Map<String, String> labels) {
    return m.values().stream().flatMap(f -> f.samples().stream())
        .filter(s -> s.name().equals(name) && s.labels().equals(labels)).map(Sample::value)
        .findFirst().orElseThrow(() -> new AssertionError("no " + name + labels));
  }

  private JsonNode rpc(ApiServer api, String method, String params) throws Exception {
    String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\""
        + (params == null ? "" : ",\"params\":" + params) + "}";
    HttpResponse<String> r = http.send(request(api, "/rpc")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  private static HttpRequest.Builder request(ApiServer api, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
        .header("Authorization", "Bearer t0ken-for-the-repositories-api-test")
        .timeout(Duration.ofMinutes(1));
  }
}
