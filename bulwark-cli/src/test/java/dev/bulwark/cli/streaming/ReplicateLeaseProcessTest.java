package dev.bulwark.cli.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.core.backend.Backends;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.stream.LeaseOptions;
import dev.bulwark.core.stream.Segment;
import dev.bulwark.core.stream.SegmentRef;
import dev.bulwark.core.stream.SegmentStore;
import dev.bulwark.core.testing.Slow;
import dev.bulwark.s3.testing.S3ProxyServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two {@code bulwark replicate} processes of one database, as two hosts (lease host names): the
 * second is refused with exit code 11 and one line naming the holder while the first runs;
 * after the first is killed with kill -9 the second takes over once the lease expired; a late
 * segment the old holder could still have shipped is named by {@code bulwark check} and left
 * out by {@code bulwark restore}. On a local repository and on a real S3 server: the lease
 * needs nothing S3 does not promise.
 */
@Slow
class ReplicateLeaseProcessTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final String EXPIRY = "2000ms";

  /** Where the repository is: a folder, or a real S3 server (s3proxy) on 127.0.0.1. */
  enum Where { LOCAL, S3 }

  @TempDir Path dir;
  private Process first;
  private S3ProxyServer server;
  private Map<String, String> env = Map.of();

  @AfterEach
  void killLeftover() throws Exception {
    if (first != null) {
      first.destroyForcibly();
    }
    if (server != null) {
      server.close();
    }
  }

  private Cli host(String name) {
    Map<String, String> all = new HashMap<>(env);
    all.put(LeaseOptions.HOST_VARIABLE, name);
    all.put(LeaseOptions.EXPIRY_VARIABLE, EXPIRY);
    return Cli.withPassword(all);
  }

  private Cli here() {
    return Cli.withPassword(env).inProcess();
  }

  @ParameterizedTest
  @EnumSource(Where.class)
  void aSecondReplicatorIsRefusedAndTakesOverOnlyAfterTheFirstDiedAndItsLeaseExpired(Where where)
      throws Exception {
    String repo = dir.resolve("repo").toString();
    if (where == Where.S3) {
      server = S3ProxyServer.start(dir.resolve("s3"));
      env = server.env();
      repo = server.repository("lease");
    }
    here().run("init", "--repo", repo, "--kdf-n", "1024").assertOk();
    Path db = dir.resolve("app.db");
    StreamedDatabase.create(db);
    Path out = dir.resolve("out.txt");
    first = host("node-1").start(out, dir.resolve("err.txt"), "replicate", "--repo",
        repo, "--sqlite", db.toString(), "--stream-id", "app", "--sync-interval",
        "100ms");
    awaitOutput(first, out, dir.resolve("err.txt"), "replicating " + db);
    StreamedDatabase.insert(db, 50);

    Cli.Result refused = host("node-2").run("replicate", "--repo", repo, "--sqlite",
        db.toString(), "--stream-id", "app", "--stop-after", "5s");
    assertThat(refused.exitCode()).as(refused.stderr()).isEqualTo(11);
    String line = refused.stderr().lines().filter(l -> l.contains("being replicated"))
        .findFirst().orElseThrow(() -> new AssertionError(refused.stderr()));
    assertThat(line).contains("host node-1 pid " + first.pid()).contains("expires at");

    first.destroyForcibly(); // kill -9: neither renewed nor released
    first.waitFor();
    StreamedDatabase.insert(db, 30);
    long t0 = System.nanoTime();
    Path out2 = dir.resolve("out2.txt");
    Path err2 = dir.resolve("err2.txt");
    // The 30 rows written while nothing replicated were checkpointed out of the WAL when their
    // connection closed: the start-up check cannot place the database, and the new holder
    // begins a generation from it on purpose.
    Process second = host("node-2").start(out2, err2, "replicate", "--repo", repo,
        "--sqlite", db.toString(), "--stream-id", "app", "--sync-interval", "100ms",
        "--accept-older-database");
    try {
      awaitOutput(second, out2, err2, "replicating " + db);
      // Another host's lease: taken over only once it went unrenewed for its expiry.
      assertThat(Duration.ofNanos(System.nanoTime() - t0))
          .isGreaterThan(Duration.ofMillis(2000));
      StreamedDatabase.insert(db, 30);
      second.destroy(); // SIGTERM: ships what is pending
      assertThat(second.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(second.exitValue()).as(Files.readString(err2)).isZero();
    } finally {
      second.destroyForcibly();
    }

    SegmentRef late;
    try (Repository r = Repository.open(Backends.open(repo, env),
        Cli.PASSWORD.getBytes(StandardCharsets.UTF_8))) {
      SegmentStore store = new SegmentStore(r);
      SegmentRef taken = store.listAll().stream().filter(s -> s.epoch() == 2).findFirst()
          .orElseThrow();
      Segment m = store.load(taken);
      // What the killed holder could have shipped had it only been paused: its epoch, from
      // where the new holder began, reaching past everything shipped.
      late = store.save("app", new Segment(m.generation(), m.firstTxid(),
          m.lastTxid() + 1000, m.pageSize(), m.pageCount(), m.before(), m.after(),
          m.firstCommit(), m.lastCommit(), m.pages(), 1));
    }
    Cli.Result check = here().run("check", "--repo", repo);
    check.assertOk();
    assertThat(check.stdout()).contains("hint: " + late + ": a late segment");

    Path restored = dir.resolve("restored.db");
    here().run("restore", "latest", "--repo", repo, "--db",
        db.toString(), "--output", restored.toString()).assertOk();
    assertThat(StreamedDatabase.rows(restored)).isEqualTo(StreamedDatabase.rows(db))
        .isEqualTo(210);
  }

  private static void awaitOutput(Process p, Path file, Path err, String text)
      throws Exception {
    Instant end = Instant.now().plus(DEADLINE);
    while (!Files.readString(file).contains(text)) {
      if (!p.isAlive()) {
        throw new AssertionError("replicate exited " + p.exitValue() + ": "
            + Files.readString(err));
      }
      if (Instant.now().isAfter(end)) {
        throw new AssertionError("no '" + text + "' within " + DEADLINE);
      }
      Thread.sleep(50);
    }
  }
}
