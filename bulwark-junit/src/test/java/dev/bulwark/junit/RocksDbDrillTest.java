package dev.bulwark.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.api.Bulwark;
import dev.bulwark.core.api.BulwarkRepository;
import dev.bulwark.core.testing.TestRepositories;
import dev.bulwark.rocksdb.RocksDbDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/**
 * A RocksDB database is drilled through its restored folder (there is no SQL connection to
 * hand out): the test opens it read-only with RocksDB itself.
 */
class RocksDbDrillTest {
  @TempDir Path dir;

  @DrillUnderTest
  @RestoreDrill(repository = "${DRILL_REPO}", database = "${DRILL_DB}",
      passwordVariable = "DRILL_PASSWORD")
  static class IndexDrill {
    static volatile String value;

    @Test
    void readsTheRestoredFolder(Path copy, RestoredDatabase restored) throws Exception {
      assertThat(copy).isDirectory();
      assertThat(restored.kind()).isEqualTo("rocksdb");
      try (Options o = new Options(); RocksDB db = RocksDB.openReadOnly(o, copy.toString())) {
        value = new String(db.get(key()), StandardCharsets.UTF_8);
      }
    }

    @Test
    void aConnectionIsRefused(Connection restored) {
      // Never reached: the Connection cannot be resolved for a RocksDB database.
    }
  }

  @Test
  void theRestoredFolderIsHandedToTheTest() throws Exception {
    Path db = dir.resolve("srv/index");
    Files.createDirectories(db.getParent());
    try (Options o = new Options().setCreateIfMissing(true);
        RocksDB live = RocksDB.open(o, db.toString())) {
      live.put(key(), "block 42".getBytes(StandardCharsets.UTF_8));
    }
    Path repo = dir.resolve("repo");
    try (BulwarkRepository r = Bulwark.repository(repo)
        .password(Ledgers.PASSWORD.getBytes(StandardCharsets.UTF_8)).createIfMissing(true)
        .keyDerivation(TestRepositories.FAST_KDF).open()) {
      r.backup(RocksDbDatabase.at(db));
    }
    Path tmp = dir.resolve("tmp");

    DrillRun.Outcome outcome = new DrillRun().with("DRILL_REPO", repo.toString())
        .with("DRILL_DB", db.toString()).with("DRILL_PASSWORD", Ledgers.PASSWORD)
        .with(RestoreDrillExtension.TEMP_DIR_PARAMETER, tmp.toString())
        .run(IndexDrill.class);

    assertThat(IndexDrill.value).isEqualTo("block 42");
    assertThat(outcome.tests().succeeded().count()).isEqualTo(1);
    assertThat(outcome.failures()).singleElement().asString().isEqualTo("restore drill: " + db
        + " is a rocksdb database, not SQLite: ask for its Path instead of a Connection");
    assertThat(tmp).isEmptyDirectory();
  }

  private static byte[] key() {
    return "tip".getBytes(StandardCharsets.UTF_8);
  }
}
