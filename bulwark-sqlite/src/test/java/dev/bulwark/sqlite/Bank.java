package dev.bulwark.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * A test database whose consistency is easy to check: accounts that move money between each
 * other, one transaction per transfer, with a ledger of every transfer. In any committed state
 * the total is constant and every balance equals its opening balance plus the ledger's sums.
 */
final class Bank {
  static final int ACCOUNTS = 1_000;
  static final long OPENING_BALANCE = 1_000;
  static final long TOTAL = ACCOUNTS * OPENING_BALANCE;

  /** What an audit found. */
  record Audit(String integrity, long total, long transfers, long mismatched, String marker) {
    boolean consistent() {
      return integrity.equals("ok") && total == TOTAL && mismatched == 0;
    }

    /** Identifies the state: two databases with equal digests hold the same data. */
    String digest() {
      return marker + "/" + transfers + "/" + total;
    }
  }

  private Bank() {}

  /** Creates a bank in {@code journalMode} with {@code padBytes} of random data per account. */
  static void create(Path db, String journalMode, int padBytes, String marker)
      throws SQLException {
    try (Connection c = connect(db); Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=" + journalMode);
      s.execute("CREATE TABLE accounts(id INTEGER PRIMARY KEY, balance INTEGER NOT NULL,"
          + " pad BLOB)");
      s.execute("CREATE TABLE ledger(id INTEGER PRIMARY KEY,"
          + " src INTEGER NOT NULL REFERENCES accounts(id),"
          + " dst INTEGER NOT NULL REFERENCES accounts(id), amount INTEGER NOT NULL)");
      s.execute("CREATE INDEX ledger_src ON ledger(src)");
      s.execute("CREATE INDEX ledger_dst ON ledger(dst)");
      s.execute("CREATE TABLE marker(v TEXT NOT NULL)");
      c.setAutoCommit(false);
      try (PreparedStatement p = c.prepareStatement(
          "INSERT INTO accounts VALUES(?, ?, randomblob(?))")) {
        for (int i = 1; i <= ACCOUNTS; i++) {
          p.setInt(1, i);
          p.setLong(2, OPENING_BALANCE);
          p.setInt(3, padBytes);
          p.executeUpdate();
        }
      }
      try (PreparedStatement p = c.prepareStatement("INSERT INTO marker VALUES(?)")) {
        p.setString(1, marker);
        p.executeUpdate();
      }
      c.commit();
    }
  }

  /** A connection that waits for locks and starts every transaction as a writer. */
  static Connection connect(Path db) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(60_000);
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    config.setOpenMode(SQLiteOpenMode.OPEN_URI);
    return config.createConnection("jdbc:sqlite:" + SqliteConnections.uri(db, "cache=private"));
  }

  /** Moves a random amount between two random accounts in one transaction. */
  static void transfer(Connection c, Random random) throws SQLException {
    c.setAutoCommit(false);
    int from = 1 + random.nextInt(ACCOUNTS);
    int to = 1 + random.nextInt(ACCOUNTS);
    long amount = 1 + random.nextInt(50);
    try (PreparedStatement debit = c.prepareStatement(
            "UPDATE accounts SET balance = balance - ? WHERE id = ?");
        PreparedStatement credit = c.prepareStatement(
            "UPDATE accounts SET balance = balance + ? WHERE id = ?");
        PreparedStatement log = c.prepareStatement(
            "INSERT INTO ledger(src, dst, amount) VALUES(?, ?, ?)")) {
      debit.setLong(1, amount);
      debit.setInt(2, from);
      debit.executeUpdate();
      credit.setLong(1, amount);
      credit.setInt(2, to);
      credit.executeUpdate();
      log.setInt(1, from);
      log.setInt(2, to);
      log.setLong(3, amount);
      log.executeUpdate();
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    }
  }

  /** Checks a database file (applying any WAL or journal beside it, as SQLite does). */
  static Audit audit(Path db) throws SQLException {
    try (Connection c = connect(db); Statement s = c.createStatement()) {
      String integrity = text(s, "PRAGMA integrity_check");
      long total = number(s, "SELECT sum(balance) FROM accounts");
      long transfers = number(s, "SELECT count(*) FROM ledger");
      long mismatched = number(s, "SELECT count(*) FROM accounts a WHERE a.balance != "
          + OPENING_BALANCE
          + " - coalesce((SELECT sum(amount) FROM ledger WHERE src = a.id), 0)"
          + " + coalesce((SELECT sum(amount) FROM ledger WHERE dst = a.id), 0)");
      return new Audit(integrity, total, transfers, mismatched,
          text(s, "SELECT group_concat(v) FROM marker"));
    }
  }

  private static String text(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private static long number(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
