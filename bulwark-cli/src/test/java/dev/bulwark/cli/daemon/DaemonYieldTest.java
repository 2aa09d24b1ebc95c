package dev.bulwark.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.config.ApiConfig;
import dev.bulwark.cli.config.BulwarkConfig;
import dev.bulwark.cli.config.ConfigException;
import dev.bulwark.cli.config.ConfigSource;
import dev.bulwark.cli.config.DatabaseConfig;
import dev.bulwark.cli.config.DatabaseType;
import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.Restic;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.job.CheckpointPolicy;
import dev.bulwark.core.job.YieldSignal;
import dev.bulwark.core.repo.Repository;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, test 5 (first half): the daemon in-process on a real repository and a real SQLite
 * database of several packs, its verification checkpointing every pack. A {@code backup_now}
 * during the verification runs at its next checkpoint and the verification resumes and
 * finishes; a {@code prune} needing the exclusive lock gets it once the verification yielded,
 * not once it ended.
 */
class DaemonYieldTest {
  private static final Duration WAIT = Duration.ofSeconds(120);
  /** Random, so incompressible: four 16 MiB packs and more than three checkpoints. */
  private static final int DATABASE_MIB = 56;
  private static final ConfigSource NO_RELOAD = () -> {
    throw new ConfigException("reload is not part of these tests");
  };
  @TempDir Path dir;
  private Path repo;
  private Path db;
  private Path passwordFile;

  @BeforeEach
  void repositoryAndDatabase() throws Exception {
    repo = dir.resolve("repo");
    try (Repository r = Repository.init(LocalBackend.open(repo),
        Cli.PASSWORD.getBytes(StandardCharsets.UTF_8), new Kdf.Params(1024, 8, 1))) {
      assertThat(r.snapshots()).isEmpty();
    }
    passwordFile = Files.writeString(dir.resolve("pw"), Cli.PASSWORD + "\n");
    db = dir.resolve("app/app.db");
    Files.createDirectories(db.getParent());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("create table t(x)");
      s.execute("with recursive n(i) as (select 1 union all select i + 1 from n where i < "
          + DATABASE_MIB + ") insert into t select randomblob(1048576) from n");
    }
  }

  private Daemon open() throws Exception {
    return open(null);
  }

  /** The daemon with one database, {@code yieldFile} its sentinel, after one backup of it. */
  private Daemon open(Path yieldFile) throws Exception {
    BulwarkConfig config = new BulwarkConfig(dir.resolve("bulwark.yml"), repo.toString(),
        passwordFile, List.of(), new ApiConfig(ApiConfig.DEFAULT_HOST, 0, null, false),
        List.of(new DatabaseConfig("app", DatabaseType.SQLITE, db, List.of(), null, null, null,
            false, null, yieldFile)));
    Daemon d = Daemon.open(config, NO_RELOAD, Clock.systemUTC(), Duration.ZERO);
    assertThat(d.backupNow("app").await(WAIT).state()).isEqualTo(JobState.SUCCEEDED);
    return d;
  }

  @Test
  void aBackupNowDuringALongVerificationRunsAtItsNextCheckpointThenTheVerificationResumes()
      throws Exception {
    CountDownLatch atFirstCheckpoint = new CountDownLatch(1);
    CountDownLatch backupQueued = new CountDownLatch(1);
    AtomicInteger checkpoints = new AtomicInteger();
    AtomicInteger checkpointsWhenQueued = new AtomicInteger(-1);
    // The daemon-wide signal is asked at each checkpoint the supervisor's request did not
    // already answer; at the first it holds the verification until the backup is queued.
    YieldSignal gate = () -> {
      if (checkpoints.incrementAndGet() == 1) {
        atFirstCheckpoint.countDown();
        await(backupQueued);
      }
      return null;
    };
    try (Daemon d = open()) {
      d.checkpoints(new CheckpointPolicy(1, gate));
      JobHandle verify = d.verifyNow("app");
      await(atFirstCheckpoint);
      JobHandle backup = d.backupNow("app");
      checkpointsWhenQueued.set(checkpoints.get());
      backupQueued.countDown();

      JobStatus yielded = verify.await(WAIT);
      assertThat(yielded.state()).isEqualTo(JobState.YIELDED);
      assertThat(yielded.error()).contains("backup of app").contains("waiting");
      // Within one checkpoint interval: the checkpoint after the one it was queued at.
      assertThat(checkpoints.get()).isEqualTo(checkpointsWhenQueued.get());
      JobHandle resumed = d.verifyNow("app");
      assertThat(resumed.status().resumes()).isEqualTo(yielded.id());

      JobStatus backedUp = backup.await(WAIT);
      assertThat(backedUp.state()).isEqualTo(JobState.SUCCEEDED);
      JobStatus verified = resumed.await(WAIT);
      assertThat(verified.state()).isEqualTo(JobState.SUCCEEDED);
      assertThat(verified.resumes()).isEqualTo(yielded.id());
      assertThat(verified.snapshotId()).isEqualTo(backedUp.snapshotId());
      assertThat(backedUp.started()).isBefore(verified.started());
      // It read every pack again: more checkpoints than the first run made.
      assertThat(checkpoints.get()).isGreaterThan(2 + 1);

      DatabaseStatus st = d.status().databases().get(0);
      assertThat(st.yields()).isEqualTo(1);
      assertThat(st.verifyFailures()).isZero();
      assertThat(st.lastVerify().state()).isEqualTo(JobState.SUCCEEDED);
    }
  }

  @Test
  void aPruneWaitingForTheLockGetsItWhenTheVerificationYieldsNotWhenItEnds() throws Exception {
    Path requests = repo.resolve("bulwark/lock-requests");
    CountDownLatch atFirstCheckpoint = new CountDownLatch(1);
    AtomicInteger checkpoints = new AtomicInteger();
    YieldSignal gate = () -> {
      if (checkpoints.incrementAndGet() == 1) {
        atFirstCheckpoint.countDown();
        // Until the prune, refused the lock, has asked for it: a request in place, not the
        // temporary file it is written to first (seen alone, the yield would come a checkpoint
        // later).
        Instant until = Instant.now().plus(WAIT);
        while (stored(requests) == 0 && Instant.now().isBefore(until)) {
          sleep(20);
        }
      }
      return null;
    };
    try (Daemon d = open()) {
      d.checkpoints(new CheckpointPolicy(1, gate));
      // Long enough that the resumed job is still waiting while the yield is looked at.
      d.resumeBackoff(Duration.ofSeconds(2));
      JobHandle verify = d.verifyNow("app");
      await(atFirstCheckpoint);
      CompletableFuture<Cli.Result> prune = CompletableFuture.supplyAsync(() ->
          Cli.withPassword().inProcess().run("prune", "--repo", repo.toString(),
              "--retry-lock", "2m"));

      JobStatus yielded = verify.await(WAIT);
      assertThat(yielded.state()).isEqualTo(JobState.YIELDED);
      assertThat(yielded.error()).contains("prune").contains("waits for the repository lock");
      assertThat(checkpoints.get()).isEqualTo(1);
      JobHandle resumed = d.verifyNow("app");
      assertThat(resumed.status().resumes()).isEqualTo(yielded.id());

      prune.get(WAIT.toSeconds(), TimeUnit.SECONDS).assertOk();
      Instant prunedAt = Instant.now();
      assertThat(count(requests)).isZero();
      JobStatus verified = awaitResumedToSucceed(d, resumed);
      assertThat(verified.started()).isBefore(Instant.now());
      assertThat(end(verified)).isAfter(prunedAt.minusMillis(1));
      assertThat(d.status().databases().get(0).verifyFailures()).isZero();
    }
  }

  @Test
  void theDatabasesYieldFileStopsItsVerificationUntilTheFileIsGoneAndIsNeverDeleted()
      throws Exception {
    Path sentinel = dir.resolve("app.yield");
    try (Daemon d = open(sentinel)) {
      d.checkpoints(new CheckpointPolicy(1, YieldSignal.NEVER));
      d.resumeBackoff(Duration.ofMillis(100));
      Files.writeString(sentinel, "");
      JobStatus yielded = d.verifyNow("app").await(WAIT);
      assertThat(yielded.state()).isEqualTo(JobState.YIELDED);
      assertThat(yielded.error()).contains(sentinel.toString());
      JobHandle resumed = d.verifyNow("app");
      assertThat(resumed.status().resumes()).isEqualTo(yielded.id());

      // Several looks at the sentinel later, the resumed job still waits for it to go.
      Thread.sleep(1_500);
      assertThat(resumed.status().state()).isEqualTo(JobState.QUEUED);
      assertThat(sentinel).exists();
      Files.delete(sentinel);
      JobStatus verified = resumed.await(WAIT);
      assertThat(verified.state()).isEqualTo(JobState.SUCCEEDED);
      assertThat(d.status().databases().get(0).yields()).isEqualTo(1);
      // A backup asked for over the API does not yield to the sentinel.
      Files.writeString(sentinel, "");
      assertThat(d.backupNow("app").await(WAIT).state()).isEqualTo(JobState.SUCCEEDED);
      assertThat(sentinel).exists();
    }
  }

  /**
   * The resumed verification may find the prune still holding the lock; it then yields again
   * and a later job resumes it. The last of the chain must succeed.
   */
  private static JobStatus awaitResumedToSucceed(Daemon d, JobHandle resumed) throws Exception {
    JobStatus st = resumed.await(WAIT);
    for (int i = 0; i < 20 && st.state() == JobState.YIELDED; i++) {
      st = d.verifyNow("app").await(WAIT);
    }
    assertThat(st.state()).isEqualTo(JobState.SUCCEEDED);
    return st;
  }

  @Test
  void resticReadsARepositoryHoldingALockRequest() throws Exception {
    try (Repository r = Repository.open(LocalBackend.open(repo),
        Cli.PASSWORD.getBytes(StandardCharsets.UTF_8))) {
      r.saveLockRequest("0123456789abcdef0123456789abcdef", "{\"purpose\":\"prune\"}"
          .getBytes(StandardCharsets.UTF_8));
    }
    assertThat(count(repo.resolve("bulwark/lock-requests"))).isEqualTo(1);
    Restic restic = Restic.forRepo(repo, dir.resolve("restic-cache"));
    restic.run("check");
    assertThat(restic.run("snapshots", "--json").strip()).isEqualTo("[]");
  }

  private static Instant end(JobStatus j) {
    return j.started().plus(j.duration());
  }

  private static long stored(Path folder) {
    if (!Files.isDirectory(folder)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(f -> !f.getFileName().toString().contains("-tmp-")).count();
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  private static long count(Path folder) {
    if (!Files.isDirectory(folder)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(folder)) {
      return s.count();
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
