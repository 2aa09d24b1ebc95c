package dev.bulwark.sqlite;

import static dev.bulwark.core.testing.Sqlite.rows;
import static dev.bulwark.core.testing.Sqlite.sql;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.SnapshotRef;
import dev.bulwark.core.api.Bulwark;
import dev.bulwark.core.api.BulwarkRepository;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.restore.DatabaseRestorer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hosts (replicas of one service) back up a database at the same path into one repository
 * through the library: each host's {@code restoreIfMissing} and {@code restore(latest)} bring
 * back its own database, even when the other host's snapshot is newer; {@code restoreFromHost}
 * takes the other's on purpose.
 */
class LibraryRestoreHostTest {
  @TempDir Path dir;

  private BulwarkRepository as(String host) throws Exception {
    return Bulwark.repository(dir.resolve("repo")).password("pw".getBytes())
        .createIfMissing(true).keyDerivation(new Kdf.Params(1024, 8, 1))
        .backupOptions(BackupOptions.defaults().withHostname(host)).open();
  }

  @Test
  void latestMeansTheHostTheLibraryBacksUpAs() throws Exception {
    Path db = dir.resolve("srv/app.db");
    Files.createDirectories(db.getParent());
    sql(db, "create table t(x)", "insert into t values (1)");
    try (BulwarkRepository a = as("node-a")) {
      a.backup(SqliteDatabase.at(db));
    }
    sql(db, "insert into t values (2), (3)");
    try (BulwarkRepository b = as("node-b")) {
      b.backup(SqliteDatabase.at(db)); // newer, by the other host
    }
    Files.delete(db);

    try (BulwarkRepository a = as("node-a")) {
      DatabaseRestorer.Result res = a.restoreIfMissing(SqliteDatabase.at(db));
      assertThat(res.outcome()).isEqualTo(DatabaseRestorer.Outcome.RESTORED);
      assertThat(res.snapshot().orElseThrow().hostname()).isEqualTo("node-a");
      assertThat(rows(db, "t")).isEqualTo(1);

      a.restoreFromHost(SqliteDatabase.at(db), SnapshotRef.latest(), "node-b");
      assertThat(rows(db, "t")).isEqualTo(3);
      a.restore(SqliteDatabase.at(db), SnapshotRef.latest());
      assertThat(rows(db, "t")).isEqualTo(1);
    }
    Files.delete(db);
    try (BulwarkRepository c = as("node-c")) {
      assertThat(c.restoreIfMissing(SqliteDatabase.at(db)).outcome())
          .as("another host's copy is not restored unasked")
          .isEqualTo(DatabaseRestorer.Outcome.SKIPPED_NO_SNAPSHOT);
      assertThat(db).doesNotExist();
    }
  }
}
