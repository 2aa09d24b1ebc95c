package dev.bulwark.bench;

import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import dev.bulwark.sqlite.SqliteSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Continuous capture against no capture, on one generated SQLite database in one run:
 * <ol>
 *   <li>write throughput of a service committing as fast as it can, without and with the
 *       replicator streaming the database (issue 11's target: at most 5% lower);
 *   <li>the live recovery point (the replicator's lag) sampled every 10 ms while the service
 *       commits 1,000 transactions a second (target: p99 at most 1 s).
 * </ol>
 * Usage: {@code java -cp bench/jmh/target/benchmarks.jar dev.bulwark.bench.StreamBench WORKDIR
 * [SIZE_MIB] [SECONDS]}. Prints a Markdown section for bench/RESULTS.md.
 */
public final class StreamBench {
  private StreamBench() {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]);
    int sizeMib = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    Files.createDirectories(work);
    Path db = work.resolve("app.db");
    long rows = sizeMib * 1200L;
    System.err.println("generating a " + sizeMib + " MiB database (" + rows + " rows)...");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA page_size=4096");
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE accounts(id INTEGER PRIMARY KEY, balance INTEGER, memo BLOB)");
      s.execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT " + rows
          + ") INSERT INTO accounts SELECT x, 1000, randomblob(400) || zeroblob(400) FROM c");
    }
    Path repoDir = work.resolve("repo");
    try (Repository repo = Repository.init(LocalBackend.open(repoDir),
        "bench".getBytes(StandardCharsets.UTF_8), Kdf.Params.DEFAULT)) {
      ReplicationOptions options = ReplicationOptions.defaults()
          .withStateDir(work.resolve("state")).withDatabaseId("bench");
      System.err.println("warming up, then the first snapshot...");
      writeFlatOut(db, rows, 3);
      SqliteSource.of(db).replicate(repo, options).close();
      // Alternating rounds, so that a machine growing busier or quieter favours neither side.
      long off = 0;
      long on = 0;
      for (int round = 0; round < 2; round++) {
        System.err.println("round " + (round + 1) + ": without capture, then with...");
        off += writeFlatOut(db, rows, seconds);
        try (Replicator r = SqliteSource.of(db).replicate(repo, options)) {
          on += writeFlatOut(db, rows, seconds);
          r.awaitDurable(Duration.ofMinutes(10));
        }
      }
      List<Long> lags;
      System.err.println("lag at 1,000 tx/s...");
      try (Replicator r = SqliteSource.of(db).replicate(repo, options)) {
        lags = lagAtSteadyRate(db, rows, seconds, r);
      }
      off /= 2;
      on /= 2;
      Collections.sort(lags);
      System.out.printf("## %s — stream capture, %d MiB SQLite database, %d s per phase, %d"
          + " cores%nCommand: `java -cp bench/jmh/target/benchmarks.jar"
          + " dev.bulwark.bench.StreamBench WORK %d %d`%n%n", java.time.LocalDate.now(), sizeMib,
          seconds, Runtime.getRuntime().availableProcessors(), sizeMib, seconds);
      System.out.println("| measure | without capture | with capture | ratio | target |");
      System.out.println("| --- | --- | --- | --- | --- |");
      System.out.printf("| commits/s, writing flat out | %.0f | %.0f | %.2f | >= 0.95 |%n",
          off / (double) seconds, on / (double) seconds, on / (double) off);
      System.out.printf("| live RPO at 1,000 tx/s: p50 / p99 / max ms | | %d / %d / %d | |"
          + " p99 <= 1000 |%n", pct(lags, 50), pct(lags, 99), lags.get(lags.size() - 1));
    }
  }

  private static long pct(List<Long> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
  }

  /** Commits one small transfer after another for {@code seconds}; returns the count. */
  private static long writeFlatOut(Path db, long rows, int seconds) throws Exception {
    return write(db, rows, seconds, 0, () -> {});
  }

  private static List<Long> lagAtSteadyRate(Path db, long rows, int seconds, Replicator r)
      throws Exception {
    List<Long> lags = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean stop = new AtomicBoolean();
    Thread sampler = new Thread(() -> {
      while (!stop.get()) {
        lags.add(r.lag().toMillis());
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    sampler.start();
    write(db, rows, seconds, 1_000, () -> {});
    stop.set(true);
    sampler.join();
    return new ArrayList<>(lags);
  }

  private static long write(Path db, long rows, int seconds, int perSecond, Runnable each)
      throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA busy_timeout=10000");
        s.execute("PRAGMA synchronous=NORMAL");
      }
      c.setAutoCommit(false);
      try (PreparedStatement debit = c.prepareStatement(
              "UPDATE accounts SET balance = balance - 1 WHERE id = ?");
          PreparedStatement credit = c.prepareStatement(
              "UPDATE accounts SET balance = balance + 1 WHERE id = ?")) {
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        long n = 0;
        while (System.nanoTime() < end) {
          if (perSecond > 0) {
            long behind = start + n * 1_000_000_000L / perSecond - System.nanoTime();
            if (behind > 0) {
              Thread.sleep(behind / 1_000_000, (int) (behind % 1_000_000));
            }
          }
          debit.setLong(1, 1 + ThreadLocalRandom.current().nextLong(rows));
          debit.executeUpdate();
          credit.setLong(1, 1 + ThreadLocalRandom.current().nextLong(rows));
          credit.executeUpdate();
          c.commit();
          each.run();
          n++;
        }
        return n;
      }
    }
  }
}
