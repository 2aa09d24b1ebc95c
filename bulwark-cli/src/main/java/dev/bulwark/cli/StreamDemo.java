package dev.bulwark.cli;

import dev.bulwark.cli.config.DatabaseType;
import dev.bulwark.cli.source.DatabaseSources;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.fs.AtomicFiles;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The streaming part of {@code bulwark demo}: a real SQLite database with a writer thread that
 * commits one row per transaction (its sequence number and commit time), streamed into the
 * repository; then {@code bulwark restore --time} to a past second, checked against what the
 * writer had committed: exactly its first rows up to the restored point, none missing, none
 * extra, and no fewer than it had committed one sync interval before that second.
 */
final class StreamDemo {
  private static final Duration SYNC_INTERVAL = Duration.ofMillis(200);
  private static final Duration WRITING = Duration.ofMillis(3200);

  private final Path base;
  private final Repository repo;
  private final Path repoDir;
  private final Path passwordFile;
  private final PrintWriter out;
  /** Commit times, in sequence order: {@code commits.get(i)} returned for row {@code i + 1}. */
  private final List<Instant> commits = new CopyOnWriteArrayList<>();
  /** What each row's {@code committed_at} holds, in sequence order. */
  private final List<String> written = new CopyOnWriteArrayList<>();

  StreamDemo(Path base, Repository repo, Path repoDir, Path passwordFile, PrintWriter out) {
    this.base = base;
    this.repo = repo;
    this.repoDir = repoDir;
    this.passwordFile = passwordFile;
    this.out = out;
  }

  /** Runs the streaming demo; true if the restored database is exactly what it should be. */
  boolean run(int step) throws IOException, BulwarkException, SQLException,
      InterruptedException {
    Path db = base.resolve("ledger/ledger.db");
    AtomicFiles.createDirectories(db.getParent());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("pragma journal_mode=wal");
      s.execute("create table ledger(seq integer primary key, committed_at text not null)");
    }
    Replicator r = DatabaseSources.replicable(DatabaseType.SQLITE, db)
        .replicate(repo, ReplicationOptions.defaults().withSyncInterval(SYNC_INTERVAL));
    Instant start;
    try {
      out.printf("%d. streaming %s (SQLite, WAL) every %d ms while a writer commits one row "
          + "per transaction for %.1f s%n", step, db, SYNC_INTERVAL.toMillis(),
          WRITING.toMillis() / 1000.0);
      start = Instant.now();
      write(db, start.plus(WRITING));
      r.awaitDurable(Duration.ofSeconds(30));
      out.printf("   %d transactions committed; shipped up to %s, lag %d ms%n", commits.size(),
          r.lastShippedPosition().map(Object::toString).orElse("nothing"), r.lag().toMillis());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IOException("the stream did not catch up within 30 s", e);
    } finally {
      r.close();
    }
    // A past second inside the writing: rows before it and after it.
    Instant point = start.plusMillis(2000).truncatedTo(ChronoUnit.SECONDS);
    Path restored = base.resolve("restored-ledger.db");
    String[] args = {"restore", "latest", "--repo", repoDir.toString(), "--password-file",
        passwordFile.toString(), "--db", db.toString(), "--time", point.toString(), "--output",
        restored.toString()};
    out.printf("%d. bulwark restore latest --db %s --time %s --output %s%n", step + 1, db, point,
        restored);
    StringWriter restoreOut = new StringWriter();
    StringWriter restoreErr = new StringWriter();
    int code = Main.run(args, Map.of(), new PrintWriter(restoreOut, true),
        new PrintWriter(restoreErr, true));
    if (code != 0) {
      out.printf("   restore FAILED (exit %d): %s%n", code, restoreErr.toString().strip());
      return false;
    }
    out.println("   " + restoreOut.toString().strip());
    return check(restored, point, step + 2);
  }

  /** Commits rows until {@code end}, recording when each commit returned. */
  private void write(Path db, Instant end) throws SQLException, InterruptedException {
    AtomicBoolean failed = new AtomicBoolean();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        PreparedStatement insert = c.prepareStatement(
            "insert into ledger(seq, committed_at) values (?, ?)")) {
      for (long seq = 1; Instant.now().isBefore(end) && !failed.get(); seq++) {
        String stamp = Instant.now().toString();
        insert.setLong(1, seq);
        insert.setString(2, stamp);
        insert.executeUpdate(); // autocommit: one transaction per row
        commits.add(Instant.now());
        written.add(stamp);
        Thread.sleep(2);
      }
    }
  }

  /**
   * The restored ledger must hold rows 1..n and nothing else, n committed by the restored
   * second, and n at least what had been committed a sync interval (plus a second of slack for
   * a slow machine) before it: a restore stops at the end of a shipped segment.
   */
  private boolean check(Path restored, Instant point, int step) throws SQLException {
    long rows = 0;
    boolean prefix = true;
    String integrity;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + restored);
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("select seq, committed_at from ledger order by seq")) {
        // Row i must be the writer's i-th transaction, with the very value it wrote.
        while (rs.next()) {
          rows++;
          prefix &= rs.getLong(1) == rows && rows <= written.size()
              && written.get((int) rows - 1).equals(rs.getString(2));
        }
      }
      try (ResultSet rs = s.executeQuery("pragma integrity_check")) {
        integrity = rs.getString(1);
      }
    }
    long committedByPoint = commits.stream().filter(t -> !t.isAfter(point)).count();
    Instant floor = point.minus(SYNC_INTERVAL).minusSeconds(1);
    long committedByFloor = commits.stream().filter(t -> !t.isAfter(floor)).count();
    boolean inRange = rows <= committedByPoint && rows >= committedByFloor;
    boolean ok = prefix && inRange && "ok".equals(integrity);
    out.printf("%d. restored ledger: %d rows, %s; the writer had committed %d rows by %s: "
        + "%s%n", step, rows, prefix ? "exactly its first " + rows + " transactions"
            : "NOT a prefix of its transactions", committedByPoint, point,
        ok ? "consistent (integrity_check ok, the point is the end of a shipped segment)"
            : "WRONG (integrity_check " + integrity + ", expected between " + committedByFloor
                + " and " + committedByPoint + " rows)");
    return ok;
  }
}
