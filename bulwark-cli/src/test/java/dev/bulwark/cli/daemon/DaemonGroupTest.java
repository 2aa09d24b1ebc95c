package dev.bulwark.cli.daemon;

import static dev.bulwark.core.testing.Sqlite.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.cli.config.ApiConfig;
import dev.bulwark.cli.config.BulwarkConfig;
import dev.bulwark.cli.config.ConfigException;
import dev.bulwark.cli.config.ConfigSource;
import dev.bulwark.cli.config.DatabaseConfig;
import dev.bulwark.cli.config.DatabaseType;
import dev.bulwark.cli.config.GroupConfig;
import dev.bulwark.cli.http.ApiServer;
import dev.bulwark.cli.testing.Eventually;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.backend.RateLimits;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.retention.RetentionPolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/**
 * A configured group in the daemon: "back up now" makes one group snapshot of every member,
 * the group's retention thins only the group's snapshots, and status lists the group.
 */
class DaemonGroupTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String PASSWORD = "daemon group test password";
  private static final String TOKEN = "group-test-token";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ConfigSource NO_RELOAD = () -> {
    throw new ConfigException("reload is not part of these tests");
  };
  @TempDir Path dir;

  private static JsonNode rpc(ApiServer api, String method, String params) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + api.port() + "/rpc"))
        .header("Authorization", "Bearer " + TOKEN)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,"
            + "\"method\":\"" + method + "\",\"params\":" + params + "}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.has("error")).as(r.body()).isFalse();
    return body.path("result");
  }

  /**
   * A SQLite database, a closed RocksDB folder and a key file, configured as databases without
   * schedules and as the group "node" (keep-last 1) backed up {@code every} (null: on demand).
   */
  private BulwarkConfig service(Duration every) throws Exception {
    Path repo = dir.resolve("repo");
    try (Repository r = Repository.init(LocalBackend.open(repo),
        PASSWORD.getBytes(StandardCharsets.UTF_8), new Kdf.Params(1024, 8, 1))) {
      assertThat(r.snapshots()).isEmpty();
    }
    Path pw = Files.writeString(dir.resolve("pw"), PASSWORD + "\n");
    Path db = dir.resolve("svc/app.db");
    Files.createDirectories(db.getParent());
    sql(db, "create table t(x)", "insert into t values (1), (2), (3)");
    Path chain = dir.resolve("svc/chain");
    RocksDB.loadLibrary();
    try (Options o = new Options().setCreateIfMissing(true);
        RocksDB rdb = RocksDB.open(o, chain.toString())) {
      rdb.put("k".getBytes(), "v".getBytes());
    }
    Path key = Files.writeString(dir.resolve("svc/node.key"), "identity");
    DatabaseConfig app = new DatabaseConfig("app", DatabaseType.SQLITE, db, List.of(), null,
        null, null, false);
    DatabaseConfig rocks = new DatabaseConfig("chain", DatabaseType.ROCKSDB, chain, List.of(),
        null, null, null, false);
    GroupConfig group = new GroupConfig("node", List.of(app, rocks), List.of(key), every,
        new RetentionPolicy(1, 0, 0, 0, 0, 0, dev.bulwark.core.retention.KeepWithin.NONE,
            List.of()));
    Path token = Files.writeString(dir.resolve("token"), TOKEN);
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    BulwarkConfig config = new BulwarkConfig(dir.resolve("bulwark.yml"), repo.toString(), pw,
        List.of(), new ApiConfig("127.0.0.1", 0, token, true), List.of(app, rocks),
        RateLimits.UNLIMITED, List.of(group));
    return config;
  }

  @Test
  void aScheduledGroupIsBackedUpWhenDueAndNotItsMembersAlone() throws Exception {
    BulwarkConfig config = service(Duration.ofHours(1));
    try (Daemon d = Daemon.open(config, NO_RELOAD, Clock.systemUTC(), Duration.ofSeconds(5))) {
      d.start();
      // No snapshot of the group yet: its first backup is due at once.
      Eventually.await("the group's first scheduled backup", WAIT, () -> status(d, "node")
          .lastSuccessfulBackup() != null);
      List<Snapshot> ofGroup = d.snapshots("node");
      assertThat(ofGroup).hasSize(1);
      assertThat(DatabaseTags.members(ofGroup.get(0).tags())).hasSize(2);
      assertThat(status(d, "node").nextBackup())
          .isEqualTo(ofGroup.get(0).time().plus(Duration.ofHours(1)));
      // The members have no schedule of their own.
      assertThat(status(d, "app").lastBackup()).isNull();
      assertThat(d.snapshots("app")).isEmpty();
    }
  }

  private static DatabaseStatus status(Daemon d, String name) {
    return d.status().databases().stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow();
  }

  @Test
  void backUpNowMakesOneGroupSnapshotAndRetentionKeepsToTheGroup() throws Exception {
    BulwarkConfig config = service(null);
    Path db = dir.resolve("svc/app.db");
    Path chain = dir.resolve("svc/chain");
    Path key = dir.resolve("svc/node.key");
    try (Daemon d = Daemon.open(config, NO_RELOAD, Clock.systemUTC(), Duration.ofSeconds(5));
        ApiServer api = new ApiServer(config.api(), d)) {
      api.start();
      JobStatus alone = d.backupNow("app").await(WAIT);
      assertThat(alone.state()).as(String.valueOf(alone.error())).isEqualTo(JobState.SUCCEEDED);
      // "Back up now" over the API, by the group's name.
      JsonNode job = rpc(api, "backup_now", "{\"database\":\"node\",\"wait\":60}")
          .path("jobs").get(0);
      assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("succeeded");
      List<Snapshot> ofGroup = d.snapshots("node");
      assertThat(ofGroup).extracting(s -> s.id().toString())
          .containsExactly(job.path("snapshot_id").asText());
      Snapshot snap = ofGroup.get(0);
      assertThat(DatabaseTags.group(snap.tags())).contains("node");
      assertThat(DatabaseTags.members(snap.tags())).extracting(DatabaseTags::path)
          .containsExactly(db.toString(), chain.toString());
      assertThat(snap.paths()).contains(db.toString(), chain.toString(), key.toString());

      JobStatus second = d.backupNow("node").await(WAIT);
      assertThat(second.state()).as(String.valueOf(second.error()))
          .isEqualTo(JobState.SUCCEEDED);
      // keep-last 1 for the group: its older snapshot goes; the database's own stays.
      assertThat(d.snapshots("node")).extracting(s -> s.id().toString())
          .containsExactly(second.snapshotId());
      assertThat(d.snapshots("app")).extracting(s -> s.id().toString())
          .containsExactly(alone.snapshotId());
      assertThat(d.snapshots(null)).hasSize(2);

      DatabaseStatus st = d.status().databases().stream()
          .filter(s -> s.name().equals("node")).findFirst().orElseThrow();
      assertThat(st.lastSuccessfulBackup().id()).isEqualTo(second.id());
      assertThat(st.backupFailures()).isZero();
      assertThat(d.status().databases()).extracting(DatabaseStatus::name)
          .containsExactly("app", "chain", "node");
      JsonNode listed = rpc(api, "status", "{}").path("databases").get(2);
      assertThat(listed.path("name").asText()).isEqualTo("node");
      assertThat(listed.path("last_successful_backup").path("snapshot_id").asText())
          .isEqualTo(second.snapshotId());
      // Verifying "everything" verifies the databases and passes over the group.
      JsonNode verifying = rpc(api, "verify_now", "{\"wait\":0}").path("jobs");
      assertThat(verifying.findValuesAsText("database")).containsExactly("app", "chain");
      assertThatThrownBy(() -> d.verifyNow("node"))
          .isInstanceOf(UnknownDatabaseException.class)
          .hasMessage("'node' is a group: verify its databases by their own names");
      assertThat(st.kind()).isNull();
      assertThat(st.path()).isNull();
    }
  }
}
