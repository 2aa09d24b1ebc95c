package dev.bulwark.examples.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.core.api.Bulwark;
import dev.bulwark.core.api.BulwarkRepository;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.junit.RestoreDrill;
import dev.bulwark.junit.RestoredDatabase;
import dev.bulwark.sqlite.SqliteDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore drill for the ledger example: restores the newest backup of the ledger and checks
 * the invariants the application promises (every transfer balances, no entry without an
 * account, the backup is recent).
 *
 * <p>To stand alone, this test first makes what production has: a ledger database and a
 * backup of it in a repository ({@link #productionBackup()}), and names them in the variables
 * the drill reads. In the application's CI, drop that part and set {@code
 * LEDGER_BACKUP_REPOSITORY}, {@code LEDGER_DATABASE} and {@code LEDGER_BACKUP_PASSWORD_FILE}
 * (environment variables or {@code -D} system properties) to the real repository, the
 * database's production path and a file holding the repository's password.
 */
class LedgerDrillExampleTest {
  private static final String[] VARIABLES = {
      "LEDGER_BACKUP_REPOSITORY", "LEDGER_DATABASE", "LEDGER_BACKUP_PASSWORD_FILE"};

  @TempDir static Path production;

  @BeforeAll
  static void productionBackup() throws Exception {
    Path db = Files.createDirectories(production.resolve("srv/ledger")).resolve("ledger.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("pragma journal_mode=wal");
      s.execute("create table entries(id INTEGER PRIMARY KEY, account TEXT, amount INTEGER)");
      s.execute("insert into entries(account, amount) values"
          + " ('cash', -250), ('alice', 250), ('alice', -100), ('bob', 100)");
    }
    Path passwordFile = Files.writeString(production.resolve("backup-password"), "s3cret\n");
    Path repository = production.resolve("backups");
    try (BulwarkRepository repo = Bulwark.repository(repository)
        .passwordFile(passwordFile)
        .createIfMissing(true)
        .keyDerivation(new Kdf.Params(1024, 8, 1)) // cheap, for a test repository only
        .open()) {
      repo.backup(SqliteDatabase.at(db));
    }
    System.setProperty("LEDGER_BACKUP_REPOSITORY", repository.toString());
    System.setProperty("LEDGER_DATABASE", db.toString());
    System.setProperty("LEDGER_BACKUP_PASSWORD_FILE", passwordFile.toString());
  }

  @AfterAll
  static void forgetVariables() {
    for (String name : VARIABLES) {
      System.clearProperty(name);
    }
  }

  /** The drill itself: all that the application's CI needs. */
  @Nested
  @RestoreDrill(repository = "${LEDGER_BACKUP_REPOSITORY}", database = "${LEDGER_DATABASE}",
      passwordFile = "${LEDGER_BACKUP_PASSWORD_FILE}")
  class NewestBackup {

    @Test
    void balancesSumToZero(Connection ledger) throws SQLException {
      assertEquals(0, single(ledger, "select coalesce(sum(amount), 0) from entries"),
          "the balances of all accounts sum to zero");
    }

    @Test
    void everyEntryHasAnAccount(Connection ledger) throws SQLException {
      assertEquals(0, single(ledger,
          "select count(*) from entries where account is null or account = ''"),
          "entries without an account");
    }

    @Test
    void theBackupIsRecent(RestoredDatabase restored) {
      assertTrue(restored.time().isAfter(Instant.now().minus(Duration.ofHours(26))),
          "newest backup is from " + restored.time() + " (snapshot " + restored.snapshotId()
              + " by " + restored.host() + ")");
    }

    private long single(Connection ledger, String query) throws SQLException {
      try (Statement s = ledger.createStatement(); ResultSet rs = s.executeQuery(query)) {
        return rs.getLong(1);
      }
    }
  }
}
