package dev.bulwark.bench;

import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.stream.FoldResult;
import dev.bulwark.core.stream.PlannedSegment;
import dev.bulwark.core.stream.ReplayPlan;
import dev.bulwark.core.stream.ReplayPlanner;
import dev.bulwark.core.stream.ReplayTarget;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import dev.bulwark.core.stream.SegmentName;
import dev.bulwark.core.stream.SnapshotFolder;
import dev.bulwark.core.stream.StreamPosition;
import dev.bulwark.core.stream.StreamTags;
import dev.bulwark.sqlite.SqliteSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Issue 11's benchmark, all four measures in one run on one generated SQLite database (4 KiB
 * pages, about ten rows a page), streamed by the real replicator:
 * <ol>
 *   <li>write throughput of a service committing as fast as it can, without and with the
 *       replicator (target: at most 5% lower);
 *   <li>the live recovery point (the replicator's lag) sampled every 10 ms while the service
 *       commits 1,000 transactions a second (target: p99 at most 1 s);
 *   <li>after 1% of the rows are updated at random (in small transactions, as a service would),
 *       a snapshot folded from the stream ({@link ReplayPlanner} to the newest point, then
 *       {@link SnapshotFolder}) against {@code sqlite3 .backup} + {@code restic backup} of the
 *       same state (target: at most 0.1x the time, storing at most 25% of what restic stores);
 *   <li>{@code bulwark restore latest --db DB --time T --output FILE} (its integrity check
 *       included) against {@code restic restore} + {@code sqlite3 PRAGMA integrity_check} of a
 *       copy taken at T (target: at most 0.75x).
 * </ol>
 * They run in the order 3, 4, 1, 2, so that the fold and the restore meet the short stream a
 * scheduled fold leaves, not the flat-out phases' gigabytes. A service connection stays open
 * all run, idle (or holding a read transaction, with {@code -Dhold.read=true}).
 * Phases where a busier or quieter machine would favour one side alternate or repeat. Run by
 * bench/stream.sh; usage: {@code StreamBench WORKDIR [SIZE_MIB] [SECONDS]} with the bulwark
 * launcher in the system property {@code bulwark.cli}, restic and sqlite3 on the PATH. Prints a
 * Markdown section for bench/RESULTS.md.
 */
public final class StreamBench {
  private static final String PASSWORD = "bench";
  private static final Pattern SNAPSHOT_ID = Pattern.compile("\"snapshot_id\":\"([0-9a-f]+)\"");
  /** Rows per transaction of the 1% update: a service's small transactions, not one huge one. */
  private static final int ROWS_PER_UPDATE = 100;
  private static final Duration DURABLE = Duration.ofMinutes(2);
  /**
   * Whether the service's connection holds a read transaction for the whole run: the WAL then
   * never restarts (nor can a checkpoint finish), a condition the replicator copes with better.
   */
  private static final boolean HOLD_READ = Boolean.getBoolean("hold.read");

  private final Path work;
  private final int sizeMib;
  private final int seconds;
  private final Path db;
  private final long rows;
  private final Path repoDir;
  private final Path resticRepo;
  private final Path peerDir;
  private final String cli;
  private final ExternalTool tool;
  private Repository repo;
  private ReplicationOptions options;

  private StreamBench(Path work, int sizeMib, int seconds) {
    this.work = work;
    this.sizeMib = sizeMib;
    this.seconds = seconds;
    this.db = work.resolve("app.db");
    this.rows = sizeMib * 2560L;
    this.repoDir = work.resolve("repo");
    this.resticRepo = work.resolve("restic");
    this.peerDir = work.resolve("peer");
    this.cli = System.getProperty("bulwark.cli", "bulwark");
    this.tool = new ExternalTool(work.resolve("logs"), Map.of("RESTIC_PASSWORD", PASSWORD,
        "BULWARK_PASSWORD", PASSWORD, "RESTIC_CACHE_DIR", work.resolve("restic-cache").toString()));
  }

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]).toAbsolutePath();
    int sizeMib = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    new StreamBench(work, sizeMib, seconds).run();
  }

  private void run() throws Exception {
    String loadBefore = ExternalTool.loadAverage();
    Instant started = Instant.now();
    Files.createDirectories(peerDir);
    generate();
    tool.run(work, "restic", "init", "-q", "-r", resticRepo.toString());
    // A service keeps its database open: without this connection, whichever connection closed
    // last (a writer between phases, the replicator, a peer's sqlite3) would checkpoint and
    // delete the WAL, and the next replicator could not resume its generation.
    // Its query is read to the end and closed: a statement left open would hold a read
    // transaction, and with it every checkpoint, for the whole run.
    try (Connection service = DriverManager.getConnection("jdbc:sqlite:" + db);
        Repository r = Repository.init(LocalBackend.open(repoDir),
            PASSWORD.getBytes(StandardCharsets.UTF_8), Kdf.Params.DEFAULT)) {
      if (HOLD_READ) {
        // Leaves a read transaction open from here to the end (bench/stream.sh HOLD_READ=1).
        service.setAutoCommit(false);
      }
      try (Statement s = service.createStatement();
          ResultSet opened = s.executeQuery("SELECT count(*) FROM accounts WHERE id = 1")) {
        while (opened.next()) {
          opened.getLong(1);
        }
      }
      repo = r;
      options = ReplicationOptions.defaults().withStateDir(work.resolve("state"));
      log("a warm-up, then the replicator's first snapshot...");
      writeFlatOut(3);
      // One replicator runs through the folds, the restores and the RPO phase, as it would
      // beside a service: closing it between phases while the writer goes on would make each
      // new one begin a generation (it cannot prove it missed nothing), with a full snapshot.
      // Folds and restores first, while the stream since the snapshot is short, as a scheduled
      // fold keeps it: the flat-out phases write more than a fold or a restore would meet.
      List<FoldRound> folds;
      RestoreRun restore;
      List<Long> lags;
      running = replicate();
      try {
        folds = foldRounds();
        restore = restores();
        lags = lagAtSteadyRate();
      } finally {
        running.close();
      }
      // Last, as it must stop and start capture: alternating rounds with and without it.
      Throughput throughput = throughput();
      print(started, loadBefore, throughput, lags, folds, restore);
    }
  }

  // ---- the database and its writers ----

  private void generate() throws Exception {
    log("generating a " + sizeMib + " MiB database (" + rows + " rows)...");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA page_size=4096");
      s.execute("CREATE TABLE accounts(id INTEGER PRIMARY KEY, balance INTEGER NOT NULL,"
          + " memo BLOB)");
      s.execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT " + rows
          + ") INSERT INTO accounts SELECT x, 1000, randomblob(180) || zeroblob(170) FROM c");
      // WAL only now: the bulk insert would otherwise go through the log and a checkpoint.
      s.execute("PRAGMA journal_mode=WAL");
    }
  }

  private long writeFlatOut(int secs) throws Exception {
    return write(secs, 0);
  }

  /** Commits one two-row transfer after another ({@code perSecond} 0: flat out); the count. */
  private long write(int secs, int perSecond) throws Exception {
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
        long end = start + secs * 1_000_000_000L;
        long n = 0;
        while (System.nanoTime() < end) {
          if (perSecond > 0) {
            long behind = start + n * 1_000_000_000L / perSecond - System.nanoTime();
            if (behind > 0) {
              Thread.sleep(behind / 1_000_000, (int) (behind % 1_000_000));
            }
          }
          debit.setLong(1, randomRow());
          debit.executeUpdate();
          credit.setLong(1, randomRow());
          credit.executeUpdate();
          c.commit();
          n++;
        }
        return n;
      }
    }
  }

  /** Updates 1% of the rows, chosen at random, {@link #ROWS_PER_UPDATE} a transaction. */
  private void updateOnePercent() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA busy_timeout=10000");
      }
      c.setAutoCommit(false);
      try (PreparedStatement up = c.prepareStatement(
          "UPDATE accounts SET balance = balance + 1 WHERE id = ?")) {
        for (long i = 1; i <= rows / 100; i++) {
          up.setLong(1, randomRow());
          up.executeUpdate();
          if (i % ROWS_PER_UPDATE == 0) {
            c.commit();
          }
        }
        c.commit();
      }
    }
  }

  private long randomRow() {
    return 1 + ThreadLocalRandom.current().nextLong(rows);
  }

  /** What a restore must give: the row count and a sum that every transfer changes. */
  private static String digest(Path file) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + file + "?mode=ro");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*), sum(id * balance) FROM accounts")) {
      rs.next();
      return rs.getLong(1) + " rows, sum " + rs.getLong(2);
    }
  }

  /** The replicator that runs through the folds, the restores and the RPO phase. */
  private Replicator running;

  private Replicator replicate() throws Exception {
    return SqliteSource.of(db).replicate(repo, options);
  }

  // ---- 1 and 2: throughput and live RPO ----

  /** Mean commits per phase, and the most the replicator held in memory and the WAL grew to. */
  private record Throughput(long off, long on, long maxPending, long maxWal) {}

  private Throughput throughput() throws Exception {
    // Alternating rounds, so that a machine growing busier or quieter favours neither side.
    long off = 0;
    long on = 0;
    long[] max = new long[2];
    for (int round = 0; round < 2; round++) {
      log("throughput round " + (round + 1) + ": without capture, then with...");
      off += writeFlatOut(seconds);
      try (Replicator r = replicate()) {
        Thread watch = watch(r, max);
        try {
          on += writeFlatOut(seconds);
        } finally {
          watch.interrupt();
          watch.join();
        }
        log("durable wait (pending " + (r.pendingBytes() >> 20) + " MiB)...");
        r.awaitDurable(DURABLE);
      }
    }
    return new Throughput(off / 2, on / 2, max[0], max[1]);
  }

  /**
   * Samples every 50 ms, until interrupted, the bytes the replicator holds unshipped ({@code
   * max[0]}) and the WAL's size ({@code max[1]}), keeping the largest of each: a writer flat out
   * can outrun shipping, and what queues up then is held in memory.
   */
  private Thread watch(Replicator r, long[] max) {
    Path wal = db.resolveSibling(db.getFileName() + "-wal");
    Thread t = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        max[0] = Math.max(max[0], r.pendingBytes());
        try {
          max[1] = Math.max(max[1], Files.size(wal));
          Thread.sleep(50);
        } catch (IOException e) {
          // the WAL is between lives; the next sample sees it
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    t.start();
    return t;
  }

  private List<Long> lagAtSteadyRate() throws Exception {
    log("live RPO at 1,000 tx/s...");
    List<Long> lags = Collections.synchronizedList(new ArrayList<>());
    {
      Replicator r = running;
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
      write(seconds, 1_000);
      stop.set(true);
      sampler.join();
      r.awaitDurable(DURABLE);
    }
    List<Long> sorted = new ArrayList<>(lags);
    Collections.sort(sorted);
    return sorted;
  }

  // ---- 3: a snapshot folded from the stream against sqlite3 .backup + restic backup ----

  private record FoldRound(String order, double foldSeconds, long foldStored, long chunks,
      int segments, double peerSeconds, long peerStored) {}

  private List<FoldRound> foldRounds() throws Exception {
    // restic's previous backup, of a copy of the state the replicator's first snapshot holds.
    log("restic's backup before the change...");
    peerBackup();
    List<FoldRound> out = new ArrayList<>();
    for (int round = 0; round < 2; round++) {
      log("fold round " + (round + 1) + ": updating 1% of the rows...");
      boolean broken;
      {
        Replicator r = running;
        long generation = r.lastShippedPosition().orElseThrow().generation();
        updateOnePercent();
        r.awaitDurable(DURABLE);
        // A new generation in the middle of the change begins with a snapshot holding part of
        // it: the fold after it covers only the rest and compares with nothing.
        broken = r.lastShippedPosition().orElseThrow().generation() != generation;
      }
      if (broken) {
        log("the replicator started a new generation during the change: round not measured");
      }
      // The replicator is closed while timing: its compactor would write beside either side.
      boolean foldFirst = round % 2 == 0;
      double peerS = 0;
      long peerStored = 0;
      if (!foldFirst) {
        long before = bytes(resticRepo);
        peerS = peerBackup();
        peerStored = bytes(resticRepo) - before;
      }
      long before = bytes(repoDir);
      tool.sync();
      long t0 = System.nanoTime();
      FoldResult f = fold();
      double foldS = f == null || broken ? Double.NaN : (System.nanoTime() - t0) / 1e9;
      long foldStored = bytes(repoDir) - before;
      if (foldFirst) {
        long rb = bytes(resticRepo);
        peerS = peerBackup();
        peerStored = bytes(resticRepo) - rb;
      }
      out.add(new FoldRound(foldFirst ? "fold, then peer" : "peer, then fold", foldS,
          foldStored, f == null ? 0 : f.chunksWritten(), f == null ? 0 : f.segments(), peerS,
          peerStored));
    }
    return out;
  }

  /**
   * Plans the newest point (loading and chaining every segment) and folds it; timed by the
   * caller. Null when the newest snapshot already holds it (nothing to fold).
   */
  private FoldResult fold() throws Exception {
    ReplayPlan plan = new ReplayPlanner(repo).plan(repo.snapshots(), ReplayTarget.newest())
        .orElseThrow(() -> new IllegalStateException("the database has no stream"));
    if (plan.segments().isEmpty()) {
      log("nothing to fold: the replicator started a new generation (a snapshot) after the"
          + " change");
      return null;
    }
    try (Lock lock = repo.lock(false)) {
      FoldResult f = new SnapshotFolder(repo, BackupOptions.defaults()).fold(lock,
          plan.snapshot(), plan.segments().stream().map(PlannedSegment::ref).toList());
      lock.releaseAfterSuccess();
      return f;
    }
  }

  /** The peer: {@code sqlite3 DB ".backup copy"}, then {@code restic backup copy}; seconds. */
  private double peerBackup() throws Exception {
    Path copy = peerDir.resolve("app.db");
    Files.deleteIfExists(copy);
    return tool.timed(peerDir, new String[] {"sqlite3", db.toString(), ".backup '" + copy + "'"},
        new String[] {"restic", "-r", resticRepo.toString(), "-q", "backup", "app.db"});
  }

  // ---- 4: point-in-time restore against restic restore + integrity_check ----

  private record RestoreRun(String point, String digest, long replayed, double[] bulwark,
      double[] peer) {}

  private RestoreRun restores() throws Exception {
    log("writing at 1,000 tx/s, a copy at a point in the middle, then more...");
    Instant point;
    StreamPosition position;
    String snapshot;
    {
      Replicator r = running;
      write(seconds, 1_000);
      r.awaitDurable(DURABLE);
      point = Instant.now();
      position = r.lastShippedPosition().orElseThrow();
      Files.deleteIfExists(peerDir.resolve("app.db"));
      tool.run(peerDir, "sqlite3", db.toString(), ".backup '" + peerDir.resolve("app.db") + "'");
      Matcher m = SNAPSHOT_ID.matcher(tool.run(peerDir, "restic", "-r", resticRepo.toString(),
          "backup", "--json", "app.db"));
      if (!m.find()) {
        throw new IllegalStateException("restic backup printed no snapshot id");
      }
      snapshot = m.group(1);
      // Past the point by more than a clock tick, so no later commit counts as at the point.
      Thread.sleep(1500);
      write(Math.max(3, seconds / 4), 1_000);
      r.awaitDurable(DURABLE);
    }
    String expected = digest(peerDir.resolve("app.db"));
    // By time, as a user would; but when the replicator started a new generation right after
    // the point, the planner cannot prove nothing happened between the two and refuses the
    // time, while the transaction position it shipped still restores.
    String[] target = {"--time", point.toString()};
    ReplayTarget replayTarget = ReplayTarget.at(point);
    try {
      tool.run(work, cli, "restore", "latest", "--repo", repoDir.toString(), "--db",
          db.toString(), "--time", point.toString(), "--dry-run");
    } catch (IOException e) {
      log("--time refused, restoring by --txid: " + e.getMessage().lines().reduce((a, b) -> b)
          .orElse(""));
      target = new String[] {"--txid",
          SegmentName.generation(position.generation()) + "/" + position.txid()};
      replayTarget = ReplayTarget.position(position);
    }
    ReplayPlan plan = new ReplayPlanner(repo).plan(repo.snapshots(), replayTarget)
        .orElseThrow();
    long replayed = plan.segments().stream().mapToLong(PlannedSegment::pages).sum();
    // Bulwark, restic, restic, Bulwark: a drift in the machine's load favours neither.
    double[] bulwark = new double[2];
    double[] peer = new double[2];
    bulwark[0] = bulwarkRestore(target, expected);
    peer[0] = resticRestore(snapshot, expected);
    peer[1] = resticRestore(snapshot, expected);
    bulwark[1] = bulwarkRestore(target, expected);
    return new RestoreRun(String.join(" ", target), expected, replayed, bulwark, peer);
  }

  private double bulwarkRestore(String[] target, String expected) throws Exception {
    log("bulwark restore " + String.join(" ", target) + "...");
    Path dir = fresh(work.resolve("bulwark-out"));
    Path out = dir.resolve("app.db");
    double s = tool.timed(work, new String[] {cli, "restore", "latest", "--repo",
        repoDir.toString(), "--db", db.toString(), target[0], target[1], "--output",
        out.toString()});
    requireSame("bulwark restore", digest(out), expected);
    return s;
  }

  private double resticRestore(String snapshot, String expected) throws Exception {
    log("restic restore + integrity_check...");
    Path dir = fresh(work.resolve("restic-out"));
    Path out = dir.resolve("app.db");
    double s = tool.timed(work, new String[] {"restic", "-r", resticRepo.toString(), "-q",
        "restore", snapshot, "--target", dir.toString()},
        new String[] {"sqlite3", out.toString(), "PRAGMA integrity_check"});
    String check = tool.run(work, "sqlite3", out.toString(), "PRAGMA integrity_check").strip();
    requireSame("restic restore's integrity_check", check, "ok");
    requireSame("restic restore", digest(out), expected);
    return s;
  }

  private static void requireSame(String what, String got, String expected) {
    if (!got.equals(expected)) {
      throw new IllegalStateException(what + " gave " + got + ", expected " + expected);
    }
  }

  // ---- the report ----

  private void print(Instant started, String loadBefore, Throughput t, List<Long> lags,
      List<FoldRound> folds, RestoreRun restore) throws Exception {
    double ratio = t.on() / (double) t.off();
    long p99 = pct(lags, 99);
    // Only rounds whose change the stream holds whole compare (see foldRounds).
    List<FoldRound> folded = folds.stream().filter(f -> !Double.isNaN(f.foldSeconds())).toList();
    String rounds = folded.size() == folds.size() ? "sum of " + folds.size() + " rounds"
        : folded.size() + " of " + folds.size() + " rounds kept one generation";
    double foldS = folded.stream().mapToDouble(FoldRound::foldSeconds).sum();
    double peerS = folded.stream().mapToDouble(FoldRound::peerSeconds).sum();
    long foldB = folded.stream().mapToLong(FoldRound::foldStored).sum();
    long peerB = folded.stream().mapToLong(FoldRound::peerStored).sum();
    double restoreB = (restore.bulwark()[0] + restore.bulwark()[1]) / 2;
    double restoreP = (restore.peer()[0] + restore.peer()[1]) / 2;
    long dbBytes = Files.size(db);
    long generations = repo.snapshots().stream()
        .flatMap(x -> DatabaseTags.fromTags(x.tags()).flatMap(StreamTags::of).stream())
        .mapToLong(StreamTags::generation).distinct().count();
    System.out.printf("### %s UTC — `%s`, load average %s before, %s after (%d cores)%n%n",
        started.toString().substring(0, 16).replace('T', ' '),
        System.getProperty("bench.command", "bench/stream.sh " + sizeMib + " " + seconds),
        loadBefore, ExternalTool.loadAverage(),
        Runtime.getRuntime().availableProcessors());
    System.out.printf("Database: %,d rows of about 360 bytes (180 random), 4 KiB pages, %.0f MiB"
            + " at the end; %d s per timed writing phase; %s, %s, sqlite3 %s; the run took"
            + " %.1f min.%n%n",
        rows, dbBytes / 1048576.0, seconds, tool.run(work, "restic", "version").strip(),
        "Java " + Runtime.version(), tool.run(work, "sqlite3", "--version").split(" ")[0],
        Duration.between(started, Instant.now()).toSeconds() / 60.0);
    System.out.println("| measure | Bulwark | peer | ratio | target | met |");
    System.out.println("| --- | --- | --- | --- | --- | --- |");
    System.out.printf("| 1. commits/s writing flat out: with capture vs without (mean of 2"
        + " alternating rounds) | %.0f | %.0f | **%.2f** | >= 0.95 | %s |%n",
        t.on() / (double) seconds, t.off() / (double) seconds, ratio, met(ratio >= 0.95));
    System.out.printf("| 1b. most held unshipped in the replicator's memory / WAL size, MiB,"
        + " writing flat out | %.1f / %.1f | | | | |%n", t.maxPending() / 1048576.0,
        t.maxWal() / 1048576.0);
    System.out.printf("| 2. live RPO at 1,000 tx/s, p50 / p99 / max ms (%d samples) |"
        + " %d / %d / %d | | | p99 <= 1000 | %s |%n", lags.size(), pct(lags, 50), p99,
        lags.get(lags.size() - 1), met(p99 <= 1000));
    System.out.printf("| 3a. after 1%% of rows updated: fold s vs `.backup` + `restic backup` s"
        + " (%s) | %.2f | %.2f | **%.2f** | <= 0.10 | %s |%n", rounds, foldS, peerS,
        foldS / peerS, folded.isEmpty() ? "not measured" : met(foldS / peerS <= 0.10));
    System.out.printf("| 3b. stored by it, MiB (%s) | %.1f | %.1f | **%.2f** | <= 0.25 | %s |%n",
        rounds, foldB / 1048576.0, peerB / 1048576.0, foldB / (double) peerB,
        folded.isEmpty() ? "not measured" : met(foldB / (double) peerB <= 0.25));
    System.out.printf("| 4. restore to a point in time vs `restic restore` + `integrity_check`"
        + " s (mean of 2, B R R B) | %.2f | %.2f | **%.2f** | <= 0.75 | %s |%n", restoreB,
        restoreP, restoreB / restoreP, met(restoreB / restoreP <= 0.75));
    System.out.println();
    System.out.println("| fold round | order | segments | chunks rebuilt | fold s | fold MiB"
        + " | peer s | peer MiB |");
    System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for (int i = 0; i < folds.size(); i++) {
      FoldRound f = folds.get(i);
      System.out.printf("| %d | %s | %d | %,d | %.2f | %.1f | %.2f | %.1f |%n", i + 1,
          f.order(), f.segments(), f.chunks(), f.foldSeconds(), f.foldStored() / 1048576.0,
          f.peerSeconds(), f.peerStored() / 1048576.0);
    }
    System.out.println();
    System.out.printf("Restore with %s: %,d pages replayed onto the newest snapshot before it;"
        + " Bulwark %.2f and %.2f s, restic + integrity_check %.2f and %.2f s; both results hold"
        + " %s, as the copy taken at that point does.%n", restore.point(), restore.replayed(),
        restore.bulwark()[0], restore.bulwark()[1], restore.peer()[0], restore.peer()[1],
        restore.digest());
    System.out.printf("%nGenerations in the repository at the end: %d (each began with a"
        + " snapshot of the whole database; a new one starts when the replicator cannot prove"
        + " it saw every frame).%n", generations);
  }

  private static String met(boolean yes) {
    return yes ? "yes" : "**no**";
  }

  private static long pct(List<Long> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
  }

  // ---- files ----

  private static Path fresh(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    return Files.createDirectories(dir);
  }

  private static long bytes(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).sum();
    }
  }

  private static void log(String line) {
    System.err.println(Instant.now().truncatedTo(ChronoUnit.SECONDS) + " " + line);
  }
}
