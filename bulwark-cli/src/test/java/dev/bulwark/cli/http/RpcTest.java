package dev.bulwark.cli.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.cli.testing.Cli;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each JSON-RPC method against a real daemon fixture, and each error code. */
class RpcTest {
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

  private static List<String> ids(JsonNode snapshots) {
    List<String> out = new ArrayList<>();
    snapshots.forEach(s -> out.add(s.path("id").asText()));
    return out;
  }

  @Test
  void backupNowMakesASnapshotThatTheCliAndListSnapshotsShow() throws Exception {
    JsonNode result = api.result("backup_now", "{\"database\":\"ledger\"}");
    assertThat(result.path("jobs")).hasSize(1);
    JsonNode job = result.path("jobs").get(0);
    assertThat(job.path("database").asText()).isEqualTo("ledger");
    assertThat(job.path("kind").asText()).isEqualTo("backup");
    assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("succeeded");
    assertThat(job.path("bytes_added").asLong()).isPositive();
    assertThat(job.path("duration_seconds").asDouble()).isPositive();
    String id = job.path("snapshot_id").asText();
    assertThat(id).matches("[0-9a-f]{64}");

    // The real CLI, reading the repository on its own, lists it.
    Cli.Result listed = Cli.withEnv(Map.of("BULWARK_PASSWORD_FILE", api.passwordFile.toString()))
        .inProcess().run("snapshots", "--json", "--repo", api.repo.toString()).assertOk();
    assertThat(ids(ApiFixture.JSON.readTree(listed.stdout()))).containsExactly(id);

    JsonNode mine = api.result("list_snapshots", "{\"database\":\"ledger\"}");
    assertThat(ids(mine)).containsExactly(id);
    JsonNode s = mine.get(0);
    assertThat(s.path("short_id").asText()).isEqualTo(id.substring(0, 8));
    assertThat(s.path("time").asText()).isNotEmpty();
    assertThat(s.path("hostname").asText()).isNotEmpty();
    assertThat(s.path("paths").get(0).asText())
        .isEqualTo(dir.resolve("ledger.db").toRealPath().toString());
    assertThat(s.path("tags").toString()).contains("bulwark:kind=sqlite");
    assertThat(api.result("list_snapshots", "{\"database\":\"wallet\"}")).isEmpty();
    assertThat(ids(api.result("list_snapshots", null))).containsExactly(id);
  }

  @Test
  void backupNowWithoutADatabaseBacksUpEveryDatabase() throws Exception {
    JsonNode jobs = api.result("backup_now", null).path("jobs");
    assertThat(jobs).hasSize(2);
    assertThat(jobs.get(0).path("database").asText()).isEqualTo("ledger");
    assertThat(jobs.get(1).path("database").asText()).isEqualTo("wallet");
    List<String> made = new ArrayList<>();
    for (JsonNode j : jobs) {
      assertThat(j.path("state").asText()).as(j.toString()).isEqualTo("succeeded");
      made.add(j.path("snapshot_id").asText());
    }
    assertThat(ids(api.result("list_snapshots", null))).containsExactlyInAnyOrderElementsOf(made);
  }

  @Test
  void aSecondBackupNowWhileOneIsInFlightReturnsThatJob() throws Exception {
    api.daemon.hold();
    JsonNode first = api.result("backup_now", "{\"database\":\"ledger\",\"wait\":0}")
        .path("jobs").get(0);
    JsonNode second = api.result("backup_now", "{\"database\":\"ledger\",\"wait\":0}")
        .path("jobs").get(0);
    assertThat(first.path("state").asText()).isIn("queued", "running");
    assertThat(second.path("job_id").asText()).isEqualTo(first.path("job_id").asText());
    JsonNode current = api.result("status", null).path("databases").get(0).path("current");
    assertThat(current.path("job_id").asText()).isEqualTo(first.path("job_id").asText());
    // A caller that waits (here, briefly) joins the same job too.
    JsonNode third = api.result("backup_now", "{\"database\":\"ledger\",\"wait\":0.2}")
        .path("jobs").get(0);
    assertThat(third.path("job_id").asText()).isEqualTo(first.path("job_id").asText());
    api.daemon.release();

    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    JsonNode ledger = api.result("status", null).path("databases").get(0);
    while (!ledger.path("current").isNull() && Instant.now().isBefore(deadline)) {
      ledger = api.result("status", null).path("databases").get(0);
    }
    JsonNode done = ledger.path("last_backup");
    assertThat(done.path("job_id").asText()).isEqualTo(first.path("job_id").asText());
    assertThat(done.path("state").asText()).isEqualTo("succeeded");
    assertThat(ledger.path("history")).hasSize(1);
    assertThat(ids(api.result("list_snapshots", "{\"database\":\"ledger\"}")))
        .containsExactly(done.path("snapshot_id").asText());
  }

  @Test
  void verifyNowRestoresAndChecksTheNewestSnapshot() throws Exception {
    JsonNode none = api.result("verify_now", "{\"database\":\"wallet\"}").path("jobs").get(0);
    assertThat(none.path("state").asText()).isEqualTo("failed");
    assertThat(none.path("error").asText()).contains("no snapshot");

    api.result("backup_now", "{\"database\":\"wallet\"}");
    String newest = api.result("backup_now", "{\"database\":\"wallet\"}").path("jobs").get(0)
        .path("snapshot_id").asText();
    JsonNode verified = api.result("verify_now", "{\"database\":\"wallet\"}").path("jobs")
        .get(0);
    assertThat(verified.path("kind").asText()).isEqualTo("verify");
    assertThat(verified.path("state").asText()).as(verified.toString()).isEqualTo("succeeded");
    assertThat(verified.path("snapshot_id").asText()).isEqualTo(newest);

    JsonNode wallet = api.result("status", null).path("databases").get(1);
    assertThat(wallet.path("last_verify").path("job_id").asText())
        .isEqualTo(verified.path("job_id").asText());
    assertThat(wallet.path("verify_failures").asLong()).isEqualTo(1);
  }

  @Test
  void statusDescribesTheRepositoryAndEachDatabase() throws Exception {
    String id = api.result("backup_now", "{\"database\":\"ledger\"}").path("jobs").get(0)
        .path("snapshot_id").asText();
    JsonNode s = api.result("status", null);
    assertThat(s.path("repository").asText()).isEqualTo(api.repo.toString());
    assertThat(s.path("snapshot_count").asInt()).isEqualTo(1);
    assertThat(s.path("repository_bytes").asLong()).isPositive();
    assertThat(s.path("now").asText()).isNotEmpty();
    JsonNode ledger = s.path("databases").get(0);
    assertThat(ledger.path("name").asText()).isEqualTo("ledger");
    assertThat(ledger.path("kind").asText()).isEqualTo("sqlite");
    assertThat(ledger.path("path").asText()).isEqualTo(dir.resolve("ledger.db").toString());
    assertThat(ledger.path("current").isNull()).isTrue();
    assertThat(ledger.path("last_successful_backup").path("snapshot_id").asText()).isEqualTo(id);
    assertThat(ledger.path("history")).hasSize(1);
    assertThat(ledger.path("backup_failures").asLong()).isZero();
    assertThat(s.path("databases").get(1).path("last_backup").isNull()).isTrue();
  }

  @Test
  void reloadAppliesAValidConfigurationAndKeepsTheOldOneOnAnInvalidOne() throws Exception {
    ApiFixture.createDatabase(dir.resolve("archive.db"), 10);
    api.writeConfig(List.of("ledger", "wallet", "archive"));
    assertThat(api.result("reload", null).path("reloaded").asBoolean()).isTrue();
    assertThat(api.result("status", null).path("databases")).hasSize(3);

    Files.writeString(api.config, "databases: []\n");
    JsonNode bad = api.rpc("reload", null);
    assertThat(bad.path("error").path("code").asInt()).isEqualTo(RpcException.INVALID_CONFIG);
    assertThat(bad.path("error").path("message").asText()).contains("repository");
    assertThat(api.result("status", null).path("databases")).hasSize(3);
  }

  private void assertError(String body, int code, String message) throws Exception {
    HttpResponse<String> r = api.postRpc(body);
    assertThat(r.statusCode()).as(body).isEqualTo(200);
    JsonNode n = ApiFixture.JSON.readTree(r.body());
    assertThat(n.path("jsonrpc").asText()).isEqualTo("2.0");
    assertThat(n.has("result")).isFalse();
    assertThat(n.path("error").path("code").asInt()).as(r.body()).isEqualTo(code);
    assertThat(n.path("error").path("message").asText()).contains(message).doesNotContain("\n");
  }

  @Test
  void errorsCarryTheirJsonRpcCodes() throws Exception {
    assertError("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":", -32700, "parse error");
    assertError("not json", -32700, "parse error");
    assertError("[]", -32600, "empty batch");
    assertError("{\"id\":1,\"method\":\"status\"}", -32600, "jsonrpc");
    assertError("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}", -32600, "method");
    assertError("{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"status\"}", -32600, "id");
    assertError("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\",\"params\":3}", -32600,
        "params");
    assertError("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"drop_tables\"}", -32601,
        "drop_tables");
    assertError("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"backup_now\",\"params\":[\"x\"]}",
        -32602, "by name");
    assertError("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"backup_now\","
        + "\"params\":{\"databse\":\"ledger\"}}", -32602, "databse");
    assertError("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"backup_now\","
        + "\"params\":{\"database\":5}}", -32602, "database");
    assertError("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"backup_now\","
        + "\"params\":{\"wait\":-1}}", -32602, "wait");
    assertError("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\",\"params\":{\"x\":1}}",
        -32602, "takes none");
    for (String m : List.of("backup_now", "verify_now", "list_snapshots")) {
      assertError("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + m + "\","
          + "\"params\":{\"database\":\"nope\"}}", RpcException.UNKNOWN_DATABASE, "'nope'");
    }
    // The id comes back as it was sent.
    JsonNode n = ApiFixture.JSON.readTree(api.postRpc(
        "{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":\"nope\"}").body());
    assertThat(n.path("id").asText()).isEqualTo("abc");
    assertThat(api.result("list_snapshots", null)).isEmpty();
  }

  @Test
  void batchesAnswerEachCallAndNotificationsGetNoAnswer() throws Exception {
    HttpResponse<String> r = api.postRpc("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\"},"
        + "{\"jsonrpc\":\"2.0\",\"method\":\"status\"}, 5,"
        + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"nope\"}]");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode all = ApiFixture.JSON.readTree(r.body());
    assertThat(all).hasSize(3);
    assertThat(all.get(0).path("id").asInt()).isEqualTo(1);
    assertThat(all.get(0).path("result").path("databases")).hasSize(2);
    assertThat(all.get(1).path("error").path("code").asInt()).isEqualTo(-32600);
    assertThat(all.get(2).path("error").path("code").asInt()).isEqualTo(-32601);

    HttpResponse<String> note = api.postRpc("{\"jsonrpc\":\"2.0\",\"method\":\"status\"}");
    assertThat(note.statusCode()).isEqualTo(204);
    assertThat(note.body()).isEmpty();
  }
}
