package dev.bulwark.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.stream.Durability;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import dev.bulwark.core.testing.Slow;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 12's kill test for durability per transaction: a service process writes through a
 * {@link DurableDataSource} and prints every insert whose call returned; it is halted as by
 * kill -9 at a named point between "SQLite committed" and "the segment is durable" (or killed
 * -9 from outside in ASYNC). Then SQLite restarts the WAL (a TRUNCATE checkpoint, as a service
 * restarted without the replicator would) and the replicator is started again. SYNC loses no
 * returned insert even before the restart; LOCAL none after it, in the same generation (the
 * local log, not the WAL, carried them) unless the crash left the repository ahead of the
 * state; ASYNC at most the sync interval.
 */
@Slow
class DurabilityKillTest {
  private static final long SYNC_MS = 300;
  @TempDir Path tmp;

  /** {seq, millis} of every insert whose call returned, in order. */
  private static List<long[]> read(Process p) throws IOException {
    List<long[]> out = new ArrayList<>();
    read(p, out::add);
    return out;
  }

  /** Hands {seq, millis} of every insert whose call returned to {@code out}, as they come. */
  private static void read(Process p, Consumer<long[]> out)
      throws IOException {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        String[] f = line.trim().split(" ");
        if (f.length == 2) {
          out.accept(new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])});
        }
      }
    } catch (NumberFormatException e) {
      // the last line was cut by the halt: that call's return was not seen either
    }
  }

  private Process writer(Path repo, Path db, Durability mode, List<String> jvm)
      throws IOException {
    return ChildJvm.start(tmp.resolve("writer.err"), jvm, DurableWriter.class, repo.toString(),
        db.toString(), tmp.resolve("state").toString(), mode.name(), Long.toString(SYNC_MS));
  }

  private List<Long> replayedSeqs(TestRepo repo, Snapshot base) throws Exception {
    Path out = tmp.resolve("replayed-" + System.nanoTime() + ".db");
    StreamReplay.replay(repo, base, out);
    return seqs(out);
  }

  private static List<Long> seqs(Path db) throws Exception {
    List<Long> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT seq FROM t ORDER BY seq")) {
      while (rs.next()) {
        rows.add(rs.getLong(1));
      }
    }
    return rows;
  }

  private static void assertHolds(List<Long> rows, long last, String what) {
    for (int i = 0; i < rows.size(); i++) {
      assertEquals(i, rows.get(i), what + ": row " + i);
    }
    assertTrue(rows.size() > last, what + " holds " + rows.size() + " inserts; " + (last + 1)
        + " returned");
  }

  /** A TRUNCATE checkpoint: the frames the replicator had not shipped leave the WAL. */
  private static void restartWal(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
      assertTrue(rs.next());
      assertEquals(0, rs.getInt(1), "the checkpoint was not blocked");
    }
    // Closing the last connection removes the emptied WAL, as a service's restart would.
    Path wal = db.resolveSibling(db.getFileName() + "-wal");
    assertTrue(!Files.exists(wal) || Files.size(wal) == 0, "the WAL is empty");
  }

  private void restartReplicator(TestRepo repo, Path db, Durability mode) throws Exception {
    Replicator r = SqliteSource.of(db).replicate(repo.repo, ReplicationOptions.defaults()
        .withStateDir(tmp.resolve("state")).withDatabaseId("durable")
        .withSyncInterval(Duration.ofMillis(SYNC_MS)).withLocalLog(mode == Durability.LOCAL));
    r.awaitDurable(Durability.SYNC, Duration.ofSeconds(30));
    r.close();
  }

  /**
   * Runs the writer in {@code mode} into a new repository until it halts at crash {@code point};
   * the sequence number of the last insert whose call returned.
   */
  private long haltedAt(Path repoDir, Path db, Durability mode, String point) throws Exception {
    TestRepo.init(repoDir).close();
    Process w = writer(repoDir, db, mode, List.of("-D" + CrashPoint.PROPERTY + "=" + point));
    List<long[]> returned = read(w);
    assertTrue(w.waitFor(60, TimeUnit.SECONDS), "the writer did not halt");
    String err = Files.readString(tmp.resolve("writer.err"));
    assertEquals(137, w.exitValue(), err);
    assertTrue(err.contains("crash point " + point.split(":")[0] + " reached"), err);
    assertTrue(returned.size() > 2, "the writer returned from " + returned.size() + " inserts");
    return returned.get(returned.size() - 1)[0];
  }

  @ParameterizedTest(name = "{0} halted at {1}")
  @CsvSource({"LOCAL, read:40", "LOCAL, logged:40", "LOCAL, shipped:3", "LOCAL, recorded:3",
      "SYNC, read:40", "SYNC, shipped:40", "SYNC, recorded:40"})
  void noInsertWhoseCallReturnedIsLost(Durability mode, String point) throws Exception {
    Path repoDir = tmp.resolve("repo");
    Path db = tmp.resolve("app.db");
    long last = haltedAt(repoDir, db, mode, point);

    Snapshot before;
    try (TestRepo repo = TestRepo.open(repoDir)) {
      before = StreamReplay.newestBase(repo, "durable");
      if (mode == Durability.SYNC) {
        assertHolds(replayedSeqs(repo, before), last, "the repository right after the kill");
      }
    }
    restartWal(db);
    try (TestRepo repo = TestRepo.open(repoDir)) {
      restartReplicator(repo, db, mode);
      String generation = StreamReplay.tags(before).generation() + "";
      if (mode == Durability.LOCAL && !point.startsWith("shipped")) {
        assertHolds(replayedSeqs(repo, before), last, "generation " + generation
            + " continued from the local log");
      }
      List<Long> newest = replayedSeqs(repo, StreamReplay.newestBase(repo, "durable"));
      assertHolds(newest, last, "the newest state of the stream");
      assertEquals(seqs(db), newest, "the stream is the database");
    }
  }

  /**
   * The replicator alone dies (a {@code bulwark replicate} process killed) while the service's
   * WAL stays as it was: a restart reads on over intact frames. Before anything was stored it
   * resumes the same generation; after (the repository ahead of the state) it starts a new
   * one. Either way nothing is lost and the stream ends as the database does.
   */
  @ParameterizedTest(name = "{0} halted at {1}, the WAL intact")
  @CsvSource({"SYNC, read:40", "SYNC, shipped:40", "SYNC, recorded:40", "LOCAL, logged:40"})
  void aRestartOverTheIntactWalLosesNothing(Durability mode, String point) throws Exception {
    Path repoDir = tmp.resolve("repo");
    Path db = tmp.resolve("app.db");
    long last = haltedAt(repoDir, db, mode, point);
    // The service lives on: its connection, once it has read, keeps SQLite from checkpointing
    // and deleting the WAL when another connection closes.
    try (TestRepo repo = TestRepo.open(repoDir);
        Connection service = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = service.createStatement();
        ResultSet rows = s.executeQuery("SELECT count(*) FROM t")) {
      assertTrue(rows.getLong(1) > last, "the database holds every returned insert");
      long before = StreamReplay.tags(StreamReplay.newestBase(repo, "durable")).generation();
      restartReplicator(repo, db, mode);
      Snapshot base = StreamReplay.newestBase(repo, "durable");
      if (point.startsWith("read") || point.startsWith("logged")) {
        assertEquals(before, StreamReplay.tags(base).generation(),
            "nothing was stored past the state: the generation goes on");
      }
      List<Long> newest = replayedSeqs(repo, base);
      assertHolds(newest, last, "the newest state of the stream");
      assertEquals(seqs(db), newest, "the stream is the database");
    }
  }

  @Test
  void asyncLosesAtMostTheSyncInterval() throws Exception {
    Path repoDir = tmp.resolve("repo");
    TestRepo.init(repoDir).close();
    Path db = tmp.resolve("app.db");
    Process w = writer(repoDir, db, Durability.ASYNC, List.of());
    List<long[]> returned = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch first = new CountDownLatch(1);
    Thread reader = new Thread(() -> {
      try {
        read(w, r -> {
          returned.add(r);
          first.countDown();
        });
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    reader.start();
    // Counted from the first insert, not the start: a loaded machine can take seconds to start
    // the writer's JVM and replicator, and the check needs inserts older than the interval.
    assertTrue(first.await(60, TimeUnit.SECONDS), "the writer returned no insert");
    Thread.sleep(3_000);
    w.destroyForcibly(); // kill -9
    long killedAt = System.currentTimeMillis();
    w.waitFor();
    reader.join();
    assertTrue(returned.size() > 100, returned.size() + " inserts returned");
    try (TestRepo repo = TestRepo.open(repoDir)) {
      List<Long> rows = replayedSeqs(repo, StreamReplay.newestBase(repo, "durable"));
      assertHolds(rows, -1, "the repository after the kill");
      // Every insert that returned more than one sync interval (and the time a shipment
      // takes, and the kill's own delivery) before the kill is in the repository.
      long bound = killedAt - SYNC_MS - 1000;
      long mustHave = returned.stream().filter(r -> r[1] <= bound).mapToLong(r -> r[0]).max()
          .orElseThrow();
      assertTrue(rows.size() > mustHave, "the repository holds " + rows.size()
          + " inserts; insert " + mustHave + " returned " + (killedAt - returned.get(
          (int) mustHave)[1]) + " ms before the kill");
    }
  }
}
