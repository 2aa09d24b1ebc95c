package dev.bulwark.cli.daemon;

import static dev.bulwark.core.testing.Sqlite.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.cli.config.ApiConfig;
import dev.bulwark.cli.config.BulwarkConfig;
import dev.bulwark.cli.config.ConfigException;
import dev.bulwark.cli.config.ConfigSource;
import dev.bulwark.cli.config.DatabaseConfig;
import dev.bulwark.cli.config.DatabaseType;
import dev.bulwark.cli.config.GroupConfig;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.backend.RateLimits;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.retention.RetentionPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
  private static final ConfigSource NO_RELOAD = () -> {
    throw new ConfigException("reload is not part of these tests");
  };
  @TempDir Path dir;

  @Test
  void backUpNowMakesOneGroupSnapshotAndRetentionKeepsToTheGroup() throws Exception {
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
    GroupConfig group = new GroupConfig("node", List.of(app, rocks), List.of(key), null,
        new RetentionPolicy(1, 0, 0, 0, 0, 0, dev.bulwark.core.retention.KeepWithin.NONE,
            List.of()));
    BulwarkConfig config = new BulwarkConfig(dir.resolve("bulwark.yml"), repo.toString(), pw,
        List.of(), new ApiConfig(ApiConfig.DEFAULT_HOST, 0, null, false), List.of(app, rocks),
        RateLimits.UNLIMITED, List.of(group));

    try (Daemon d = Daemon.open(config, NO_RELOAD, Clock.systemUTC(), Duration.ofSeconds(5))) {
      JobStatus alone = d.backupNow("app").await(WAIT);
      assertThat(alone.state()).as(String.valueOf(alone.error())).isEqualTo(JobState.SUCCEEDED);
      JobStatus first = d.backupNow("node").await(WAIT);
      assertThat(first.state()).as(String.valueOf(first.error())).isEqualTo(JobState.SUCCEEDED);
      List<Snapshot> ofGroup = d.snapshots("node");
      assertThat(ofGroup).extracting(s -> s.id().toString()).containsExactly(first.snapshotId());
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
      assertThatThrownBy(() -> d.verifyNow("node"))
          .isInstanceOf(UnknownDatabaseException.class);
    }
  }
}
