package dev.bulwark.bench;

import dev.bulwark.core.backend.Backend;
import dev.bulwark.core.backend.Backends;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.stream.Durability;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import dev.bulwark.sqlite.DurableDataSource;
import dev.bulwark.sqlite.SqliteSource;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.sqlite.SQLiteDataSource;

/**
 * Issue 12's benchmark: commit latency (p50, p99) and throughput of small transactions (one
 * auto-commit insert of 200 bytes, WAL, synchronous=FULL) for SQLite alone and through a
 * {@link DurableDataSource} in ASYNC, LOCAL and SYNC, to a local repository and to an S3
 * server, with one writer (latency) and with many (group commit). Prints a Markdown table.
 *
 * <p>Arguments: work dir, seconds per case, writer threads for the concurrent cases (1: only
 * the single-writer cases), the S3 repository location (credentials from the environment) or
 * "-" for none, and optionally the durabilities to run (e.g. "LOCAL"; default all).
 */
public final class DurabilityBench {
  private static final int SEQ_STEP = 1_000_000;
  /** The floor case's marker (see {@link #run}). */
  private static final Object FLOOR = new Object();
  /** A LOCAL log record of one 4 KiB page with its header. */
  private static final int FLOOR_RECORD_BYTES = 4193;
  private static final long FLOOR_LOG_BYTES = 4L << 20;

  private DurabilityBench() {}

  private record Result(String target, String mode, int threads, long commits, double seconds,
      double p50, double p99) {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]);
    int seconds = Integer.parseInt(args[1]);
    int threads = Integer.parseInt(args[2]);
    String s3 = args[3];
    // An optional fifth argument picks the durabilities to run, e.g. "LOCAL" while tuning one.
    List<Durability> modes = args.length > 4
        ? Arrays.stream(args[4].split(",")).map(Durability::valueOf).toList()
        : List.of(Durability.values());
    List<Result> results = new ArrayList<>();
    for (int t : threads == 1 ? new int[] {1} : new int[] {1, threads}) {
      results.add(run(work, "none", null, null, t, seconds));
      if (t == 1) {
        results.add(run(work, "none", null, FLOOR, t, seconds));
      }
      for (Durability d : modes) {
        results.add(run(work, "local folder", null, d, t, seconds));
      }
      if (!s3.equals("-")) {
        for (Durability d : modes) {
          results.add(run(work, "S3 (127.0.0.1)", s3, d, t, seconds));
        }
      }
    }
    print(results, seconds, threads);
  }

  /**
   * Runs one case. {@code mode} null is SQLite alone; {@link #FLOOR} is SQLite followed, in the
   * committing thread, by one record written and fdatasynced to a second, pre-grown file: what
   * any LOCAL design that keeps its own log after SQLite's commit pays at least.
   */
  private static Result run(Path work, String target, String s3, Object mode, int threads,
      int seconds) throws Exception {
    Path dir = Files.createTempDirectory(Files.createDirectories(work), "case");
    Path db = dir.resolve("app.db");
    SQLiteDataSource plain = new SQLiteDataSource();
    plain.setUrl("jdbc:sqlite:" + db);
    try (Connection c = plain.getConnection(); Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE t(seq INTEGER PRIMARY KEY, v BLOB)");
    }
    Repository repo = null;
    Replicator replicator = null;
    DataSource ds = plain;
    if (mode instanceof Durability durability) {
      byte[] pw = "bench".getBytes(StandardCharsets.UTF_8);
      Backend backend = s3 != null
          ? Backends.open(s3 + "/" + dir.getFileName(), System.getenv())
          : LocalBackend.open(dir.resolve("repo"));
      repo = Repository.init(backend, pw, new Kdf.Params(1024, 8, 1));
      replicator = SqliteSource.of(db).replicate(repo, ReplicationOptions.defaults()
          .withStateDir(dir.resolve("state")).withLocalLog(mode == Durability.LOCAL));
      ds = new DurableDataSource(plain, replicator, durability, Duration.ofSeconds(30));
    }
    long[][] latencies = new long[threads][];
    int[] counts = new int[threads];
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> futures = new ArrayList<>();
    AtomicInteger ids = new AtomicInteger();
    long t0 = System.nanoTime();
    for (int i = 0; i < threads; i++) {
      DataSource source = ds;
      futures.add(pool.submit(() -> {
        int me = ids.getAndIncrement();
        long[] lat = new long[1 << 16];
        ByteBuffer record = ByteBuffer.allocateDirect(FLOOR_RECORD_BYTES);
        int n = 0;
        try (Connection c = source.getConnection();
            FileChannel log = mode == FLOOR ? floorLog(dir.resolve("floor.log")) : null) {
          try (Statement s = c.createStatement()) {
            s.execute("PRAGMA synchronous=FULL");
            s.execute("PRAGMA busy_timeout=60000");
          }
          try (PreparedStatement p = c.prepareStatement(
              "INSERT INTO t(seq, v) VALUES (?, randomblob(200))")) {
            while (System.nanoTime() < end) {
              p.setLong(1, (long) me * SEQ_STEP + n);
              long a = System.nanoTime();
              p.executeUpdate();
              if (log != null) {
                record.clear();
                log.write(record, n % (FLOOR_LOG_BYTES / FLOOR_RECORD_BYTES) * FLOOR_RECORD_BYTES);
                log.force(false);
              }
              long b = System.nanoTime();
              if (n == lat.length) {
                lat = Arrays.copyOf(lat, lat.length * 2);
              }
              lat[n++] = b - a;
            }
          }
        }
        latencies[me] = Arrays.copyOf(lat, n);
        counts[me] = n;
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    double took = (System.nanoTime() - t0) / 1e9;
    pool.shutdown();
    if (replicator != null) {
      replicator.close();
      repo.close();
    }
    long total = Arrays.stream(counts).sum();
    long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
    String name = mode == null ? "SQLite alone"
        : mode == FLOOR ? "SQLite + one fdatasync (LOCAL's floor)" : mode.toString();
    Result r = new Result(target, name, threads, total,
        took, pct(all, 0.50), pct(all, 0.99));
    System.err.println(r);
    return r;
  }

  private static FileChannel floorLog(Path file) throws java.io.IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    ch.write(ByteBuffer.allocate((int) FLOOR_LOG_BYTES), 0);
    ch.force(true);
    return ch;
  }

  private static double pct(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1e6;
  }

  private static void print(List<Result> results, int seconds, int threads) {
    System.out.printf("| repository | durability | writers | commits/s | p50 ms | p99 ms |%n");
    System.out.printf("| --- | --- | --- | --- | --- | --- |%n");
    for (Result r : results) {
      System.out.printf("| %s | %s | %d | %.0f | %.2f | %.2f |%n", r.target(), r.mode(),
          r.threads(), r.commits() / r.seconds(), r.p50(), r.p99());
    }
    System.out.printf("%n%d s per case; %d writers in the concurrent cases.%n", seconds,
        threads);
  }
}
