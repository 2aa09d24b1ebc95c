package dev.bulwark.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.Progress;
import dev.bulwark.core.check.CheckResult;
import dev.bulwark.core.check.Checker;
import dev.bulwark.core.prune.StreamPruner;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.restore.DatabaseRestorer;
import dev.bulwark.core.retention.StreamRetention;
import dev.bulwark.core.stream.LeaseClaim;
import dev.bulwark.core.stream.LeaseHeldException;
import dev.bulwark.core.stream.LeaseLostException;
import dev.bulwark.core.stream.LeaseOptions;
import dev.bulwark.core.stream.ReplayTarget;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Segment;
import dev.bulwark.core.stream.SegmentRef;
import dev.bulwark.core.stream.SegmentStore;
import dev.bulwark.core.stream.StreamTags;
import dev.bulwark.core.testing.Slow;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One writer per stream with real replicators of one real SQLite database: on two "hosts" (lease
 * host names) in this process, and a replicator in a child process killed with kill -9 then
 * taken over after its lease expired. Exactly one ships at any time, every segment carries its
 * holder's epoch, and a late segment of the old epoch is left out by restore and named by check.
 */
class ReplicatorLeaseTest {
  private static final Duration EXPIRY = Duration.ofMillis(2000);
  private static final String ID = "lease";

  @TempDir Path tmp;
  private Process child;

  @AfterEach
  void killChild() {
    if (child != null) {
      child.destroyForcibly();
    }
  }

  private ReplicationOptions options(String state) {
    return ReplicationOptions.defaults().withSyncInterval(Duration.ofMillis(50))
        .withStateDir(tmp.resolve(state)).withDatabaseId(ID);
  }

  private SqliteReplicator start(Path db, TestRepo repo, String state, String host)
      throws Exception {
    return SqliteReplicator.start(db, tmp, repo.repo, options(state), Clock.systemUTC(),
        new LeaseOptions(EXPIRY, host));
  }

  @Test
  void onTwoHostsOnlyTheLeaseHolderShipsAndTheOtherTakesOverWhenItStops() throws Exception {
    Path db = walDatabase();
    try (TestRepo repo = TestRepo.init(tmp.resolve("repo")); Connection w = open(db)) {
      SqliteReplicator a = start(db, repo, "state-a", "node-1");
      insert(w, 0, 100);
      assertThatThrownBy(() -> start(db, repo, "state-b", "node-2"))
          .isInstanceOf(LeaseHeldException.class)
          .hasMessageContaining("host node-1 pid " + ProcessHandle.current().pid())
          .hasMessageContaining("epoch 1").hasMessageContaining("expires at");
      a.awaitDurable(Duration.ofSeconds(20));
      List<SegmentRef> first = new SegmentStore(repo.repo).listAll();
      assertThat(first).isNotEmpty().allSatisfy(r -> assertThat(r.epoch()).isEqualTo(1));
      a.close(); // releases the lease: the other host need not wait for it to expire

      long t0 = System.nanoTime();
      try (SqliteReplicator b = start(db, repo, "state-b", "node-2")) {
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(EXPIRY);
        insert(w, 100, 200);
        b.awaitDurable(Duration.ofSeconds(20));
      }
      List<SegmentRef> all = new SegmentStore(repo.repo).listAll();
      assertThat(all).filteredOn(r -> !first.contains(r)).isNotEmpty()
          .allSatisfy(r -> assertThat(r.epoch()).isEqualTo(2));
      assertRestoresTo(repo, db);
    }
  }

  @Test
  void aSnapshotFoldedAcrossATakeoverCarriesTheNewEpoch() throws Exception {
    Path db = walDatabase();
    try (TestRepo repo = TestRepo.init(tmp.resolve("repo")); Connection w = open(db)) {
      try (SqliteReplicator a = start(db, repo, "state-a", "node-1")) {
        insert(w, 0, 50);
        a.awaitDurable(Duration.ofSeconds(20));
      }
      // The same state folder, a new holder: the generation goes on under epoch 2 from its
      // epoch-1 snapshot, and the fold must say the newer epoch, or a restore would count the
      // folded snapshot as one a later epoch superseded.
      try (SqliteReplicator again = start(db, repo, "state-a", "node-1")) {
        insert(w, 50, 100);
        Snapshot folded = again.snapshot();
        StreamTags at = DatabaseTags.fromTags(folded.tags()).flatMap(StreamTags::of)
            .orElseThrow();
        assertThat(at.epoch()).isEqualTo(2);
        assertThat(new SegmentStore(repo.repo).listAll()).extracting(SegmentRef::epoch)
            .contains(1L, 2L);
      }
      assertRestoresTo(repo, db);
    }
  }

  @Test
  void aReplicatorThatFindsItsLeaseTakenOverStopsShippingForGood() throws Exception {
    Path db = walDatabase();
    try (TestRepo repo = TestRepo.init(tmp.resolve("repo")); Connection w = open(db)) {
      SqliteReplicator a = start(db, repo, "state-a", "node-1");
      insert(w, 0, 50);
      a.awaitDurable(Duration.ofSeconds(20));
      // Another host's claim of a later epoch, as a takeover after a missed renewal leaves it.
      LeaseClaim taker = new LeaseClaim("00000000000000ff", "node-9", 4242, 2, EXPIRY, false, 0,
          Instant.now());
      repo.repo.saveLeaseFile(ID + "/" + taker.fileName(), taker.encode());
      int seq = 50;
      long end = System.nanoTime() + EXPIRY.multipliedBy(4).toNanos();
      Exception stopped = null;
      while (stopped == null && System.nanoTime() < end) {
        insert(w, seq, ++seq);
        try {
          a.awaitDurable(Duration.ofSeconds(5));
        } catch (LeaseLostException e) {
          stopped = e;
        }
      }
      assertThat(stopped).as("the replicator noticed the takeover within a few renewals")
          .isInstanceOf(LeaseLostException.class)
          .hasMessageContaining("host node-9 pid 4242 (epoch 2)");
      List<SegmentRef> shipped = new SegmentStore(repo.repo).listAll();
      insert(w, seq, seq + 20);
      assertThatThrownBy(() -> a.awaitDurable(Duration.ofSeconds(5)))
          .isInstanceOf(LeaseLostException.class);
      assertThatThrownBy(a::close).isInstanceOf(LeaseLostException.class);
      assertThat(new SegmentStore(repo.repo).listAll()).isEqualTo(shipped);
      // The taker's claim stays: a lost lease is not released over it.
      assertThat(repo.repo.listLeaseFolder(ID)).extracting(f -> f.name())
          .contains(taker.fileName());
    }
  }

  @Slow
  @Test
  void aKilledHoldersLeaseIsTakenOverAfterItExpiresAndItsLateSegmentIsNeverRestored()
      throws Exception {
    Path db = walDatabase();
    TestRepo.init(tmp.resolve("repo")).close();
    try (Connection w = open(db)) {
      child = startChild(db, "node-1");
      insert(w, 0, 100);
      // While the child holds the lease, this host is refused.
      try (TestRepo repo = TestRepo.open(tmp.resolve("repo"))) {
        assertThatThrownBy(() -> start(db, repo, "state", "node-2"))
            .isInstanceOf(LeaseHeldException.class)
            .hasMessageContaining("host node-1 pid " + child.pid());
      }
      child.destroyForcibly(); // kill -9: the lease is neither renewed nor released
      child.waitFor();
      insert(w, 100, 150);

      try (TestRepo repo = TestRepo.open(tmp.resolve("repo"))) {
        long t0 = System.nanoTime();
        try (SqliteReplicator b = start(db, repo, "state", "node-2")) {
          // Another host's lease: taken over only once it went unrenewed for its expiry.
          assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(
              EXPIRY.dividedBy(2));
          insert(w, 150, 250);
          b.awaitDurable(Duration.ofSeconds(20));
        }
      }
    }
    try (TestRepo repo = TestRepo.open(tmp.resolve("repo"))) {
      SegmentStore store = new SegmentStore(repo.repo);
      List<SegmentRef> refs = store.listAll();
      assertThat(refs).extracting(SegmentRef::epoch).contains(1L, 2L).allMatch(e -> e <= 2);
      // The old holder wakes up and ships its own run from where the new holder began.
      SegmentRef taken = refs.stream().filter(r -> r.epoch() == 2).findFirst().orElseThrow();
      Segment model = store.load(taken);
      Segment forged = new Segment(model.generation(), model.firstTxid(),
          model.lastTxid() + 1000, model.pageSize(), model.pageCount(), model.before(),
          model.after(), model.firstCommit(), model.lastCommit(), model.pages(), 1);
      SegmentRef late = store.save(ID, forged);

      assertRestoresTo(repo, db);
      CheckResult check = new Checker(repo.repo, 2, new Progress()).check(false);
      assertThat(check.errors()).isEmpty();
      assertThat(check.hints()).anySatisfy(h -> assertThat(h)
          .contains(late.toString()).contains("late segment"));
      // Prune removes it, as nothing a restore uses.
      try (Lock lock = repo.repo.lock(true)) {
        new StreamPruner(repo.repo, ID, StreamRetention.KEEP_ALL).run(lock, Instant.now());
        lock.releaseAfterSuccess();
      }
      assertThat(store.listAll()).doesNotContain(late).contains(taken);
      assertRestoresTo(repo, db);
    }
  }

  /** A child JVM replicating {@code db} as {@code host} until killed. */
  private Process startChild(Path db, String host) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        LeaseHolderChild.class.getName(), tmp.resolve("repo").toString(), db.toString(),
        tmp.resolve("state").toString(), ID));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(tmp.resolve("child.err").toFile());
    pb.environment().put(LeaseOptions.HOST_VARIABLE, host);
    pb.environment().put(LeaseOptions.EXPIRY_VARIABLE, EXPIRY.toMillis() + "ms");
    Process p = pb.start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8));
    String line = CompletableFuture.supplyAsync(() -> {
      try {
        return out.readLine();
      } catch (java.io.IOException e) {
        return null;
      }
    }).get(60, TimeUnit.SECONDS);
    assertThat(line).as("the child replicator started").startsWith("started");
    return p;
  }

  private void assertRestoresTo(TestRepo repo, Path db) throws Exception {
    Path out = tmp.resolve("restored-" + System.nanoTime() + ".db");
    new DatabaseRestorer(repo.repo, new SqliteKind(), 2, new Progress())
        .restore(ReplayTarget.newest(), db, out);
    assertThat(content(out)).isEqualTo(content(db));
  }

  private Path walDatabase() throws SQLException {
    return SeqTable.create(tmp.resolve("app.db"));
  }

  private static Connection open(Path db) throws SQLException {
    return SeqTable.open(db);
  }

  private static void insert(Connection c, int from, int to) throws SQLException {
    SeqTable.insert(c, from, to);
  }

  private static List<String> content(Path db) throws SQLException {
    return SeqTable.content(db);
  }
}
