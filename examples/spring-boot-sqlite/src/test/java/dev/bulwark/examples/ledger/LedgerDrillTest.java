package dev.bulwark.examples.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.testing.Slow;
import dev.bulwark.junit.RestoreDrill;
import dev.bulwark.junit.RestoredDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
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
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A restore drill of the ledger, as its team would run it in CI: the newest backup restored from
 * the real repository and checked against what the ledger promises (transfers balance, every
 * entry names an account, the backup is recent).
 *
 * <p>To stand alone, the test first plays production: it boots the ledger with its starter,
 * posts balanced transfers and stops it, so the stream ships them, and names the repository,
 * database and password file in the variables the drill reads. In the application's CI only
 * {@link NewestBackup} is needed, with {@code LEDGER_BACKUP_REPOSITORY}, {@code
 * LEDGER_DATABASE} and {@code LEDGER_BACKUP_PASSWORD_FILE} set (environment or {@code -D}).
 */
@Slow
class LedgerDrillTest {
  private static final String[] VARIABLES = {
      "LEDGER_BACKUP_REPOSITORY", "LEDGER_DATABASE", "LEDGER_BACKUP_PASSWORD_FILE"};

  @TempDir static Path production;

  @BeforeAll
  static void production() throws Exception {
    Path db = production.resolve("ledger.db");
    Path password = Files.writeString(production.resolve("backup-password"), "s3cret\n");
    Path repository = production.resolve("backups");
    try (ConfigurableApplicationContext app = new SpringApplicationBuilder(
        LedgerApplication.class).run("--ledger.database=" + db,
            "--bulwark.repository=" + repository, "--bulwark.password-file=" + password,
            "--server.port=0", "--server.address=127.0.0.1")) {
      Ledger ledger = app.getBean(Ledger.class);
      for (int i = 1; i <= 25; i++) {
        ledger.post("cash", -i * 10L);
        ledger.post("acct-" + (i % 3), i * 10L);
      }
    }
    System.setProperty("LEDGER_BACKUP_REPOSITORY", repository.toString());
    System.setProperty("LEDGER_DATABASE", db.toString());
    System.setProperty("LEDGER_BACKUP_PASSWORD_FILE", password.toString());
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
    void holdsEveryTransferAndTheyBalance(Connection ledger) throws SQLException {
      assertThat(single(ledger, "select count(*) from entries")).isEqualTo(50);
      assertThat(single(ledger, "select coalesce(sum(amount), 0) from entries"))
          .as("the balances of all accounts sum to zero").isZero();
    }

    @Test
    void everyEntryHasAnAccount(Connection ledger) throws SQLException {
      assertThat(single(ledger,
          "select count(*) from entries where account is null or account = ''")).isZero();
    }

    @Test
    void theBackupIsRecent(RestoredDatabase restored) {
      assertThat(restored.time()).as("newest backup (snapshot %s by %s)",
          restored.snapshotId(), restored.host())
          .isAfter(Instant.now().minus(Duration.ofHours(26)));
    }

    private long single(Connection ledger, String query) throws SQLException {
      try (Statement s = ledger.createStatement(); ResultSet rs = s.executeQuery(query)) {
        return rs.getLong(1);
      }
    }
  }
}
