package dev.bulwark.sqlite;

import static dev.bulwark.core.testing.Sqlite.rows;
import static dev.bulwark.core.testing.Sqlite.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.SnapshotRef;
import dev.bulwark.core.api.Bulwark;
import dev.bulwark.core.api.BulwarkRepository;
import dev.bulwark.core.api.Database;
import dev.bulwark.core.backup.FileSource;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.restore.DatabaseRestorer.Outcome;
import dev.bulwark.core.restore.RestoreOption;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library's start-up restore brings back the key file backed up with the database. */
class LibraryKeyFilesTest {
  @TempDir Path dir;

  @Test
  void restoreIfMissingBringsBackTheKeyFileAndNoFilesLeavesIt() throws Exception {
    Path dbPath = Files.createDirectories(dir.resolve("srv")).resolve("app.db");
    Path key = dir.resolve("srv/node.key");
    sql(dbPath, "create table t(x)", "insert into t values (1)");
    Files.writeString(key, "identity");
    Database app = SqliteDatabase.at(dbPath);
    try (BulwarkRepository repo = Bulwark.repository(dir.resolve("repo"))
        .password("pw".getBytes()).createIfMissing(true)
        .keyDerivation(new Kdf.Params(1024, 8, 1)).open()) {
      repo.backup(app, FileSource.of(java.util.List.of(key)));
      Files.delete(dbPath);
      Files.delete(key);

      var restored = repo.restoreIfMissing(app);
      assertThat(restored.outcome()).isEqualTo(Outcome.RESTORED);
      assertThat(restored.files()).containsExactly(key);
      assertThat(rows(dbPath, "t")).isEqualTo(1);
      assertThat(Files.readString(key)).isEqualTo("identity");

      Files.delete(key);
      repo.restore(app, SnapshotRef.latest(), RestoreOption.NO_FILES);
      assertThat(key).doesNotExist();

      Files.writeString(key, "another identity");
      assertThatThrownBy(() -> repo.restore(app, SnapshotRef.latest()))
          .isInstanceOf(BulwarkException.class).hasMessageContaining(key.toString());
      assertThat(Files.readString(key)).isEqualTo("another identity");
    }
  }
}
