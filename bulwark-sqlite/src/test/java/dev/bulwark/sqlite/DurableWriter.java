package dev.bulwark.sqlite;

import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.stream.Durability;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import org.sqlite.SQLiteDataSource;

/**
 * Child process: a service that replicates database {@code args[1]} into repository {@code
 * args[0]} (state in {@code args[2]}, sync interval {@code args[4]} ms) and writes rows through
 * a {@link DurableDataSource} in durability {@code args[3]} (WAL, synchronous=FULL, auto-commit
 * inserts). It prints {@code seq millis} for each insert whose call returned, until killed or
 * halted by a crash point.
 */
public final class DurableWriter {
  private DurableWriter() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, false, "UTF-8");
    Path db = Path.of(args[1]);
    Durability mode = Durability.valueOf(args[3]);
    SQLiteDataSource plain = new SQLiteDataSource();
    plain.setUrl("jdbc:sqlite:" + db);
    try (Connection setup = plain.getConnection(); Statement s = setup.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE IF NOT EXISTS t(seq INTEGER PRIMARY KEY, at INTEGER, v BLOB)");
    }
    Repository repo = Repository.open(LocalBackend.open(Path.of(args[0])), TestRepo.password());
    Replicator r = SqliteSource.of(db).replicate(repo, ReplicationOptions.defaults()
        .withStateDir(Path.of(args[2])).withDatabaseId("durable")
        .withSyncInterval(Duration.ofMillis(Long.parseLong(args[4])))
        .withLocalLog(mode == Durability.LOCAL));
    DurableDataSource ds = new DurableDataSource(plain, r, mode, Duration.ofSeconds(20));
    out.println("ready");
    out.flush();
    try (Connection c = ds.getConnection()) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA synchronous=FULL");
        s.execute("PRAGMA busy_timeout=10000");
      }
      try (PreparedStatement p = c.prepareStatement(
          "INSERT INTO t(seq, at, v) VALUES (?, ?, randomblob(200))")) {
        for (long i = 0; ; i++) {
          p.setLong(1, i);
          p.setLong(2, System.currentTimeMillis());
          p.executeUpdate();
          out.println(i + " " + System.currentTimeMillis());
          out.flush();
          Thread.sleep(2);
        }
      }
    }
  }
}
