package dev.bulwark.sqlite;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;

/**
 * Child process: a service writing about 1,000 transactions a second into {@code args[0]}
 * (WAL mode, table {@code t(seq, at)}), each recording its sequence number and commit time,
 * continuing from the largest sequence already there. It prints each sequence number once its
 * commit has returned: the test knows what the service saw committed.
 */
public final class SequenceWriter {
  private SequenceWriter() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, false, "UTF-8");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + args[0])) {
      long next;
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA busy_timeout=10000");
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=NORMAL");
        s.execute("CREATE TABLE IF NOT EXISTS t(seq INTEGER PRIMARY KEY, at INTEGER, v BLOB)");
        try (var rs = s.executeQuery("SELECT coalesce(max(seq) + 1, 0) FROM t")) {
          rs.next();
          next = rs.getLong(1);
        }
      }
      out.println("ready " + next);
      out.flush();
      try (PreparedStatement p = c.prepareStatement(
          "INSERT INTO t(seq, at, v) VALUES (?, ?, randomblob(100 + abs(random() % 900)))")) {
        long start = System.nanoTime();
        for (long i = 0; ; i++) {
          long behind = start + i * 1_000_000L - System.nanoTime();
          if (behind > 0) {
            Thread.sleep(behind / 1_000_000, (int) (behind % 1_000_000));
          }
          p.setLong(1, next);
          p.setLong(2, System.currentTimeMillis());
          p.executeUpdate();
          out.println(next);
          out.flush();
          next++;
        }
      }
    }
  }
}
