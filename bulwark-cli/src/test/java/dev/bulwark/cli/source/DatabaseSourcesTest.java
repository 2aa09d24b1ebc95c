package dev.bulwark.cli.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.config.DatabaseType;
import dev.bulwark.core.backup.Source;
import dev.bulwark.core.backup.SourceEntry;
import dev.bulwark.core.backup.SourceView;
import dev.bulwark.rocksdb.RocksDbKind;
import dev.bulwark.sqlite.SqliteKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What `backup --sqlite DB --file KEY` and a daemon job read: the database, then its files. */
class DatabaseSourcesTest {
  @TempDir Path dir;

  @Test
  void aSqliteSnapshotIsTheDatabaseCopyAndItsKeyFileRecordedOwnerOnly() throws Exception {
    Path db = dir.resolve("app.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("create table t(x)");
      s.execute("insert into t values (42)");
    }
    Path key = Files.writeString(dir.resolve("node.key"), "secret");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

    List<Source> sources = DatabaseSources.snapshotOf(DatabaseType.SQLITE, db, List.of(key));
    assertThat(sources).hasSize(2);
    try (SourceView database = sources.get(0).open()) {
      assertThat(database.paths()).containsExactly(db.toString());
      assertThat(database.tags()).contains("bulwark:kind=sqlite");
      List<SourceEntry> files = entries(database);
      assertThat(files).extracting(SourceEntry::path).contains(db);
    }
    try (SourceView travelling = sources.get(1).open()) {
      SourceEntry k = entries(travelling).stream().filter(e -> e.path().equals(key))
          .findFirst().orElseThrow();
      assertThat(k.meta().permissions() & 0077).as("group and other bits cleared").isZero();
    }
    // The private copy SQLite's backup made beside the database is gone once the view closes.
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("app.db", "node.key");
    }
  }

  @Test
  void noFilesMeansOneSourceAndEachTypeRestoresWithItsOwnKind() {
    assertThat(DatabaseSources.snapshotOf(DatabaseType.SQLITE, dir.resolve("a.db"), List.of()))
        .hasSize(1);
    assertThat(DatabaseSources.restoreKind(DatabaseType.SQLITE)).isInstanceOf(SqliteKind.class);
    assertThat(DatabaseSources.restoreKind(DatabaseType.ROCKSDB)).isInstanceOf(RocksDbKind.class);
  }

  private static List<SourceEntry> entries(SourceView view) throws Exception {
    List<SourceEntry> out = new ArrayList<>();
    view.visit(out::add);
    return out;
  }
}
