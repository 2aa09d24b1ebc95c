package dev.bulwark.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.backup.FileSource;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import dev.bulwark.core.testing.Slow;
import dev.bulwark.core.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real restic 0.14 and sqlite3 as oracles: restic checks and restores a snapshot of a live
 * database (with its key file) taken by Bulwark, and sqlite3 finds the database intact.
 */
@Slow
class SqliteResticOracleTest {
  @TempDir Path dir;

  @Test
  void resticRestoresASnapshotOfALiveDatabaseThatSqlite3FindsIntact() throws Exception {
    Path restic = Tools.require("restic");
    Path sqlite3 = Tools.require("sqlite3");
    Path app = Files.createDirectories(dir.resolve("srv/app"));
    Path db = app.resolve("state.db");
    Bank.create(db, "wal", 300, "restic");
    Path key = app.resolve("identity.key");
    byte[] keyBytes = new byte[64];
    new Random(7).nextBytes(keyBytes);
    Files.write(key, keyBytes);
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));

    Snapshot snap;
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch writing = new CountDownLatch(50);
    Thread writer = new Thread(() -> {
      try (Connection c = Bank.connect(db)) {
        Random random = new Random(3);
        while (!stop.get()) {
          Bank.transfer(c, random);
          writing.countDown();
        }
      } catch (Throwable t) {
        failure.set(t);
      }
    });
    writer.start();
    try (TestRepo repo = TestRepo.init(dir.resolve("repo"))) {
      assertThat(writing.await(60, TimeUnit.SECONDS)).isTrue();
      snap = repo.backup(SqliteSource.of(db), FileSource.of(key)).snapshot();
    } finally {
      stop.set(true);
      writer.join();
    }
    assertThat(failure.get()).isNull();

    Map<String, String> env = Map.of("RESTIC_PASSWORD", TestRepo.PASSWORD,
        "RESTIC_CACHE_DIR", dir.resolve("cache").toString());
    String repo = dir.resolve("repo").toString();
    Tools.run(dir, env, restic.toString(), "-r", repo, "--no-cache", "check", "--read-data");
    Path out = dir.resolve("out");
    Tools.run(dir, env, restic.toString(), "-r", repo, "--no-cache", "restore",
        snap.id().toString(), "--target", out.toString());

    Path restoredDb = out.resolve(db.toString().substring(1));
    Path restoredKey = out.resolve(key.toString().substring(1));
    assertThat(Tools.run(dir, Map.of(), sqlite3.toString(), restoredDb.toString(),
        "PRAGMA integrity_check").strip()).isEqualTo("ok");
    assertThat(Tools.run(dir, Map.of(), sqlite3.toString(), restoredDb.toString(),
        "SELECT sum(balance) FROM accounts").strip()).isEqualTo(Long.toString(Bank.TOTAL));
    assertThat(Files.readAllBytes(restoredKey)).isEqualTo(keyBytes);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(restoredKey)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(restoredDb)))
        .isEqualTo("rw-------");
  }

  @Test
  void resticChecksARepositoryHoldingAStreamAndRestoresItsSnapshot() throws Exception {
    Path restic = Tools.require("restic");
    Path sqlite3 = Tools.require("sqlite3");
    Path db = Files.createDirectories(dir.resolve("srv")).resolve("ledger.db");
    Bank.create(db, "wal", 300, "stream");
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Snapshot base;
    try (TestRepo repo = TestRepo.init(dir.resolve("repo"))) {
      Replicator r = SqliteSource.of(db).replicate(repo.repo, ReplicationOptions.defaults()
          .withSyncInterval(Duration.ofMillis(100)).withStateDir(dir.resolve("state")));
      Thread writer = new Thread(() -> {
        try (Connection c = Bank.connect(db)) {
          Random random = new Random(4);
          while (!stop.get()) {
            Bank.transfer(c, random);
          }
        } catch (Throwable t) {
          failure.set(t);
        }
      });
      writer.start();
      Thread.sleep(2_000);
      stop.set(true);
      writer.join();
      r.awaitDurable(Duration.ofSeconds(30));
      r.close();
      assertThat(Files.list(dir.resolve("repo/bulwark/streams")).count()).isEqualTo(1);
      base = repo.repo.snapshots().get(0);
    }
    assertThat(failure.get()).isNull();
    Map<String, String> env = Map.of("RESTIC_PASSWORD", TestRepo.PASSWORD,
        "RESTIC_CACHE_DIR", dir.resolve("cache").toString());
    String repo = dir.resolve("repo").toString();
    assertThat(Tools.run(dir, env, restic.toString(), "-r", repo, "--no-cache", "check",
        "--read-data")).contains("no errors were found");
    Path out = dir.resolve("out");
    Tools.run(dir, env, restic.toString(), "-r", repo, "--no-cache", "restore",
        base.id().toString(), "--target", out.toString());
    Path restoredDb = out.resolve(db.toString().substring(1));
    assertThat(Tools.run(dir, Map.of(), sqlite3.toString(), restoredDb.toString(),
        "PRAGMA integrity_check").strip()).isEqualTo("ok");
    assertThat(Tools.run(dir, Map.of(), sqlite3.toString(), restoredDb.toString(),
        "SELECT sum(balance) FROM accounts").strip()).isEqualTo(Long.toString(Bank.TOTAL));
  }
}
