package dev.bulwark.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's kill tests with real processes: a service process commits about 1,000
 * transactions a second and prints each one it saw commit; a replicator process streams the
 * database. Kill -9 the service: one sync interval later the stream holds every transaction it
 * saw commit. Kill -9 the replicator at 20 random moments: each restart resumes the generation
 * or starts a new one and says why, and in the end nothing committed is missing.
 */
@Slow
class ReplicatorKillTest {
  private static final long SYNC_MS = 250;
  @TempDir Path tmp;

  /** A child process and the last number it printed. */
  private static final class Child {
    final Process process;
    final AtomicLong last = new AtomicLong(-1);
    final CountDownLatch ready = new CountDownLatch(1);
    final List<String> lines = new ArrayList<>();

    Child(Process process) {
      this.process = process;
      Thread t = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
            process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            if (line.startsWith("ready") || line.startsWith("started")) {
              synchronized (lines) {
                lines.add(line);
              }
              ready.countDown();
            } else {
              last.set(Long.parseLong(line.trim()));
            }
          }
        } catch (IOException | NumberFormatException e) {
          // the process was killed mid-line
        }
      });
      t.setDaemon(true);
      t.start();
    }

    void awaitReady(String what) throws InterruptedException {
      assertTrue(ready.await(60, TimeUnit.SECONDS), what + " did not start");
    }

    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor();
    }
  }

  private Child writer(Path db) throws Exception {
    Child w = new Child(ChildJvm.start(tmp.resolve("writer.err"), SequenceWriter.class,
        db.toString()));
    w.awaitReady("the writer");
    return w;
  }

  private Child replicator(Path repo, Path db, int n) throws Exception {
    Child r = new Child(ChildJvm.start(tmp.resolve("replicator-" + n + ".err"),
        ReplicatorChild.class, repo.toString(), db.toString(), tmp.resolve("state").toString(),
        Long.toString(SYNC_MS)));
    r.awaitReady("replicator " + n);
    return r;
  }

  /** (seq, at) of every row of the stream's newest state, replayed from the repository. */
  private List<String> replayed(Path repoDir) throws Exception {
    Path out = tmp.resolve("replayed-" + System.nanoTime() + ".db");
    try (TestRepo repo = TestRepo.open(repoDir)) {
      StreamReplay.replay(repo, StreamReplay.newestBase(repo, "kill"), out);
    }
    return rows(out);
  }

  private static List<String> rows(Path db) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT seq, at, hex(v) FROM t ORDER BY seq")) {
      while (rs.next()) {
        rows.add(rs.getLong(1) + "|" + rs.getLong(2) + "|" + rs.getString(3));
      }
    }
    return rows;
  }

  private static void assertPrefix(List<String> rows, long atLeast) {
    for (int i = 0; i < rows.size(); i++) {
      assertTrue(rows.get(i).startsWith(i + "|"), "row " + i + " is " + rows.get(i));
    }
    assertTrue(rows.size() > atLeast, "the stream holds " + rows.size()
        + " transactions; the writer saw " + (atLeast + 1) + " commit");
  }

  private static String i2(String logLine) {
    return logLine.substring(logLine.indexOf("starting generation"));
  }

  @Test
  void aKilledServiceLosesNoTransactionItSawCommit() throws Exception {
    Path repoDir = tmp.resolve("repo");
    TestRepo.init(repoDir).close();
    Path db = tmp.resolve("app.db");
    Child w = writer(db);
    Child r = replicator(repoDir, db, 0);
    try {
      Thread.sleep(3_000);
      w.kill();
      long seen = w.last.get();
      Thread.sleep(2 * SYNC_MS + 500);
      List<String> rows = replayed(repoDir);
      assertPrefix(rows, seen);
      assertEquals(rows(db), rows, "the stream is the database");
    } finally {
      r.kill();
    }
  }

  @Test
  void aReplicatorKilledTwentyTimesLosesNothing() throws Exception {
    Path repoDir = tmp.resolve("repo");
    TestRepo.init(repoDir).close();
    Path db = tmp.resolve("app.db");
    Child w = writer(db);
    Random random = new Random(11);
    try {
      for (int i = 0; i < 20; i++) {
        Child r = replicator(repoDir, db, i);
        Thread.sleep(100 + random.nextInt(1400));
        r.kill();
      }
      Child r = replicator(repoDir, db, 20);
      Thread.sleep(1_000);
      w.kill();
      long seen = w.last.get();
      r.process.destroy(); // SIGTERM: ships what is pending, then exits
      assertTrue(r.process.waitFor(60, TimeUnit.SECONDS), "the replicator stopped on SIGTERM");
      List<String> rows = replayed(repoDir);
      assertPrefix(rows, seen);
      assertEquals(rows(db), rows, "the stream is the database");
    } finally {
      w.kill();
    }
    int resumed = 0;
    int started = 0;
    for (int i = 0; i <= 20; i++) {
      String log = Files.readString(tmp.resolve("replicator-" + i + ".err"));
      boolean resumes = log.contains("resuming generation");
      boolean starts = log.matches("(?s).*starting generation [0-9a-f]{16}: \\S.*");
      assertTrue(resumes || starts, "run " + i + " neither resumed nor said why it began anew:\n"
          + log);
      log.lines().filter(l -> l.contains("starting generation"))
          .forEach(l -> System.out.println("run " + i2(l)));
      resumed += resumes ? 1 : 0;
      started += starts ? 1 : 0;
    }
    System.out.println("21 runs: " + resumed + " resumed, " + started + " began a generation");
  }
}
