package dev.bulwark.junit;

import static dev.bulwark.core.testing.Sqlite.sql;

import dev.bulwark.core.api.Bulwark;
import dev.bulwark.core.api.BulwarkRepository;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.testing.TestRepositories;
import dev.bulwark.sqlite.SqliteDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * A small double-entry ledger in a real SQLite file, backed up into a real repository with the
 * library, as a service's scheduled backup would: what the drills in these tests restore.
 */
final class Ledgers {
  /** The password of the repositories made here. */
  static final String PASSWORD = "drill password";

  private Ledgers() {}

  /** Creates the ledger's table at {@code db}. */
  static void create(Path db) throws Exception {
    sql(db, "pragma journal_mode=wal",
        "create table entries(id integer primary key, account text, amount integer)");
  }

  /** Books a transfer: two entries that sum to zero, as every transfer must. */
  static void transfer(Path db, String from, String to, long amount) throws Exception {
    sql(db, "begin",
        "insert into entries(account, amount) values ('" + from + "', " + -amount + ")",
        "insert into entries(account, amount) values ('" + to + "', " + amount + ")",
        "commit");
  }

  /** A bug's booking: one entry with no counterpart, so the balances no longer sum to zero. */
  static void halfTransfer(Path db, String to, long amount) throws Exception {
    sql(db, "insert into entries(account, amount) values ('" + to + "', " + amount + ")");
  }

  /**
   * Backs {@code db} up into {@code repo} (created if missing) as {@code host} at {@code time}.
   */
  static Snapshot backup(Path repo, Path db, String host, Instant time) throws Exception {
    try (BulwarkRepository r = Bulwark.repository(repo)
        .password(PASSWORD.getBytes(StandardCharsets.UTF_8))
        .createIfMissing(true)
        .keyDerivation(TestRepositories.FAST_KDF)
        .backupOptions(BackupOptions.defaults().withHostname(host)
            .withClock(Clock.fixed(time, ZoneOffset.UTC)))
        .open()) {
      return r.backup(SqliteDatabase.at(db));
    }
  }
}
