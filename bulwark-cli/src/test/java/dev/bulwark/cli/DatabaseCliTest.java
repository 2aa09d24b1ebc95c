package dev.bulwark.cli;

import static dev.bulwark.core.testing.Sqlite.sql;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** The database commands end to end: back up a database with its key file, restore in place. */
class DatabaseCliTest {
  @TempDir Path dir;
  private final Cli cli = Cli.withPassword().inProcess();

  private static long count(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select count(*) from t")) {
      return r.getLong(1);
    }
  }

  @Test
  void sqliteBackupWithKeyFileAndRestoreInPlace() throws Exception {
    Path repo = dir.resolve("repo");
    Path db = dir.resolve("node/app.db");
    Files.createDirectories(db.getParent());
    sql(db, "pragma journal_mode=wal", "create table t(x)",
        "with recursive c(x) as (select 1 union all select x + 1 from c limit 1000) "
            + "insert into t select x from c");
    Path key = Files.writeString(dir.resolve("node/node.key"), "identity");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    cli.run("backup", "--repo", repo.toString(), "--sqlite", db.toString(), "--file",
        key.toString()).assertOk();

    Cli.Result info = cli.run("info", "latest", "--repo", repo.toString()).assertOk();
    assertThat(info.stdout()).contains("kind: sqlite").contains("path: " + db)
        .contains("page-size: 4096").contains("node.key");

    // The database moves on; restoring the snapshot brings the 1,000 rows back in place and
    // keeps the newer database under a clear name.
    sql(db, "insert into t values (1001)");
    Cli.Result restored = cli.run("restore", "latest", "--repo", repo.toString(), "--db",
        db.toString()).assertOk();
    assertThat(restored.stdout()).contains("restored sqlite database").contains("kept at");
    assertThat(count(db)).isEqualTo(1000);

    // Start-up style: the database is there, so nothing happens; then it is gone, and it
    // comes back; and a database the repository never saw is fine too.
    cli.run("restore", "latest", "--repo", repo.toString(), "--db", db.toString(),
        "--if-db-not-exists", "--if-replica-exists").assertOk();
    Files.delete(db);
    Files.deleteIfExists(db.resolveSibling("app.db-wal"));
    Files.deleteIfExists(db.resolveSibling("app.db-shm"));
    Cli.Result startup = cli.run("restore", "latest", "--repo", repo.toString(), "--db",
        db.toString(), "--if-db-not-exists", "--if-replica-exists").assertOk();
    assertThat(startup.stdout()).contains("restored");
    assertThat(count(db)).isEqualTo(1000);
    Cli.Result none = cli.run("restore", "latest", "--repo", repo.toString(), "--db",
        dir.resolve("other.db").toString(), "--if-db-not-exists", "--if-replica-exists")
        .assertOk();
    assertThat(none.stdout()).contains("no snapshot of");
    assertThat(dir.resolve("other.db")).doesNotExist();

    // The key file comes back private, whatever its mode was.
    Path out = dir.resolve("out");
    cli.run("restore", "latest", "--repo", repo.toString(), "--target", out.toString(),
        "--include", key.toString()).assertOk();
    Path restoredKey = out.resolve(key.toString().substring(1));
    assertThat(Files.readString(restoredKey)).isEqualTo("identity");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(restoredKey)))
        .isEqualTo("rw-------");
  }

  @Test
  void rocksdbOfflineBackupAndRestoreRefusesTheOtherKind() throws Exception {
    RocksDB.loadLibrary();
    Path repo = dir.resolve("repo");
    Path rdb = dir.resolve("chain");
    try (Options o = new Options().setCreateIfMissing(true);
        RocksDB db = RocksDB.open(o, rdb.toString())) {
      for (int i = 0; i < 500; i++) {
        db.put(("k" + i).getBytes(), ("v" + i).getBytes());
      }
    }
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    cli.run("backup", "--repo", repo.toString(), "--rocksdb", rdb.toString()).assertOk();
    Cli.Result wrongKind = cli.run("restore", "latest", "--repo", repo.toString(), "--db",
        dir.resolve("x.db").toString());
    assertThat(wrongKind.exitCode()).isEqualTo(1);
    assertThat(wrongKind.stderr()).contains("no snapshot of");
    String id = cli.run("snapshots", "--repo", repo.toString(), "--json").assertOk().stdout()
        .replaceAll("(?s).*\"id\":\"([0-9a-f]{64})\".*", "$1");
    Cli.Result mismatch = cli.run("restore", id, "--repo", repo.toString(), "--db",
        dir.resolve("x.db").toString());
    assertThat(mismatch.exitCode()).isEqualTo(1);
    assertThat(mismatch.stderr()).contains("is a rocksdb snapshot, not sqlite");

    Path target = dir.resolve("restored-chain");
    // latest means the newest snapshot of *that* database path: there is none for a new path.
    Cli.Result noneThere = cli.run("restore", "latest", "--repo", repo.toString(), "--rocksdb",
        target.toString());
    assertThat(noneThere.exitCode()).isEqualTo(1);
    assertThat(noneThere.stderr()).contains("no snapshot of " + target);
    assertThat(target).doesNotExist();
    cli.run("restore", id, "--repo", repo.toString(), "--rocksdb", target.toString())
        .assertOk();
    try (Options o = new Options(); RocksDB db = RocksDB.openReadOnly(o, target.toString())) {
      assertThat(new String(db.get("k499".getBytes()))).isEqualTo("v499");
    }
  }

  @Test
  void databaseOptionsAreCheckedForSense() {
    // Several databases make one group snapshot, but one database cannot be two members.
    Cli.Result twice = cli.run("backup", "--repo", dir.toString(), "--sqlite", "a.db",
        "--rocksdb", "./a.db");
    assertThat(twice.exitCode()).isEqualTo(2);
    assertThat(twice.stderr()).contains("the database ./a.db is given twice");
    Cli.Result badGroup = cli.run("backup", "--repo", dir.toString(), "--sqlite", "a.db",
        "--group", "my group");
    assertThat(badGroup.exitCode()).isEqualTo(2);
    assertThat(badGroup.stderr()).contains("--group my group: invalid group name");
    Cli.Result emptyGroup = cli.run("backup", "--repo", dir.toString(), "--group", "node",
        "--file", "node.key");
    assertThat(emptyGroup.exitCode()).isEqualTo(2);
    assertThat(emptyGroup.stderr()).contains("--group node groups databases");
    Cli.Result two = cli.run("restore", "latest", "--repo", dir.toString(), "--db", "a.db",
        "--target", "x");
    assertThat(two.exitCode()).isEqualTo(2);
    Cli.Result flags = cli.run("restore", "latest", "--repo", dir.toString(), "--target", "x",
        "--if-db-not-exists");
    assertThat(flags.exitCode()).isEqualTo(2);
  }
  /**
   * Two hosts back up a database at the same path into one repository: this host's restore
   * of "latest" never brings back the other host's database; --host does, on purpose.
   */
  @Test
  void restoreLatestOfADatabaseMeansThisHostsUnlessHostIsGiven() throws Exception {
    Path repo = dir.resolve("repo");
    Path db = dir.resolve("node/app.db");
    Files.createDirectories(db.getParent());
    sql(db, "create table t(x)", "insert into t values (1)");
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    cli.run("backup", "--repo", repo.toString(), "--sqlite", db.toString(), "--host",
        "other-node").assertOk();
    Files.delete(db);

    Cli.Result skipped = cli.run("restore", "latest", "--repo", repo.toString(), "--db",
        db.toString(), "--if-db-not-exists", "--if-replica-exists").assertOk();
    assertThat(skipped.stdout()).contains("nothing restored");
    assertThat(db).doesNotExist();
    Cli.Result refused = cli.run("restore", "latest", "--repo", repo.toString(), "--db",
        db.toString());
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.stderr()).contains("from host").contains("other-node")
        .contains("--host");
    assertThat(db).doesNotExist();

    cli.run("restore", "latest", "--repo", repo.toString(), "--db", db.toString(), "--host",
        "other-node").assertOk();
    assertThat(count(db)).isEqualTo(1);

    // info (like restore --target): latest is the newest of any host unless --host narrows it.
    assertThat(cli.run("info", "latest", "--repo", repo.toString(), "--host", "other-node")
        .assertOk().stdout()).contains(db.toString());
    Cli.Result none = cli.run("info", "latest", "--repo", repo.toString(), "--host", "nobody");
    assertThat(none.exitCode()).isEqualTo(1);
    assertThat(none.stderr()).contains("no snapshot from host nobody").contains("other-node");
  }

  /**
   * A database whose file name is near the limit (SQLite itself needs room for "-journal")
   * restores in place: the staging copy and the kept old database get names that fit.
   */
  @Test
  void aDatabaseWithA240ByteNameRestoresInPlace() throws Exception {
    Path repo = dir.resolve("repo");
    Path db = dir.resolve("d".repeat(237) + ".db");
    sql(db, "create table t(x)", "insert into t values (1), (2)");
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    cli.run("backup", "--repo", repo.toString(), "--sqlite", db.toString()).assertOk();
    sql(db, "insert into t values (3)");
    Cli.Result r = cli.run("restore", "latest", "--repo", repo.toString(), "--db",
        db.toString());
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(count(db)).isEqualTo(2);
    assertThat(r.stdout()).contains("kept at");
  }
}
