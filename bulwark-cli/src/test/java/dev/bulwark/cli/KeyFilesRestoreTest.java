package dev.bulwark.cli;

import static dev.bulwark.core.testing.Sqlite.sql;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.core.testing.Sqlite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database restore brings back the key files backed up with it: the service gets its state
 * and its identity, a key file that now differs stops the restore before anything changes.
 */
class KeyFilesRestoreTest {
  @TempDir Path dir;
  private final Cli cli = Cli.withPassword().inProcess();
  private Path repo;
  private Path db;
  private Path key;
  private Path conf;

  @BeforeEach
  void backUpAService() throws Exception {
    repo = dir.resolve("repo");
    Path svc = Files.createDirectories(dir.resolve("srv/node"));
    db = svc.resolve("state.db");
    sql(db, "create table t(x)", "with recursive n(i) as (select 1 union all select i + 1 "
        + "from n where i < 300) insert into t select i from n");
    key = svc.resolve("node.key");
    Files.writeString(key, "identity-1");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    conf = Files.createDirectories(svc.resolve("conf")).resolve("node.toml");
    Files.writeString(conf, "port = 30303\n");
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    cli.run("backup", "--repo", repo.toString(), "--sqlite", db.toString(), "--file",
        key.toString(), "--file", conf.toString()).assertOk();
  }

  @Test
  void aDatabaseRestoreBringsBackItsKeyFilesOwnerOnly() throws Exception {
    Files.delete(db);
    Files.delete(key);
    Files.delete(conf);
    Files.delete(conf.getParent());

    Cli.Result r = cli.run("restore", "latest", "--repo", repo.toString(), "--db",
        db.toString()).assertOk();

    assertThat(Sqlite.rows(db, "t")).isEqualTo(300);
    assertThat(Files.readString(key)).isEqualTo("identity-1");
    assertThat(Files.readString(conf)).isEqualTo("port = 30303\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    assertThat(r.stdout()).contains("restored " + key).contains("restored " + conf);
  }

  @Test
  void dryRunSaysWhatWouldHappenToEachKeyFileAndWritesNothing() throws Exception {
    Files.writeString(key, "identity-2");
    Files.delete(conf);

    Cli.Result r = cli.run("restore", "latest", "--repo", repo.toString(), "--db",
        db.toString(), "--dry-run").assertOk();

    assertThat(r.stdout()).contains("file:       " + key + ", 10 B: differs: the restore would "
        + "stop").contains("file:       " + conf + ", 13 B: nothing there now");
    assertThat(conf).doesNotExist();
    Files.writeString(key, "identity-1");
    assertThat(cli.run("restore", "latest", "--repo", repo.toString(), "--db", db.toString(),
        "--dry-run", "--overwrite-files").assertOk().stdout())
        .contains(key + ", 10 B: identical to the snapshot's: left alone");
  }

  @Test
  void aKeyFileThatDiffersStopsTheRestoreBeforeAnythingChanges() throws Exception {
    sql(db, "insert into t values (301)");
    byte[] dbBefore = Files.readAllBytes(db);
    Files.writeString(key, "identity-2");

    Cli.Result r = cli.run("restore", "latest", "--repo", repo.toString(), "--db",
        db.toString());

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.stderr().lines().toList()).as(r.toString()).hasSize(1);
    assertThat(r.stderr()).contains(key.toString()).contains("--overwrite-files");
    assertThat(Files.readAllBytes(db)).isEqualTo(dbBefore);
    assertThat(Files.readString(key)).isEqualTo("identity-2");
    try (var s = Files.list(key.getParent())) {
      // No staged copy is left behind.
      assertThat(s.map(p -> p.getFileName().toString()))
          .allMatch(n -> !n.startsWith(".") || n.endsWith("-wal") || n.endsWith("-shm"));
    }
  }

  @Test
  void overwriteFilesReplacesItAndKeepsTheOldOneBeside() throws Exception {
    Files.writeString(key, "identity-2");

    cli.run("restore", "latest", "--repo", repo.toString(), "--db", db.toString(),
        "--overwrite-files").assertOk();

    assertThat(Files.readString(key)).isEqualTo("identity-1");
    try (var s = Files.list(key.getParent())) {
      Path kept = s.filter(p -> p.getFileName().toString().startsWith("node.key.bulwark-old-"))
          .findFirst().orElseThrow();
      assertThat(Files.readString(kept)).isEqualTo("identity-2");
    }
  }

  @Test
  void noFilesRestoresTheDatabaseAloneAndOutputLeavesFilesWhereTheyAre() throws Exception {
    Files.delete(db);
    Files.delete(key);
    cli.run("restore", "latest", "--repo", repo.toString(), "--db", db.toString(),
        "--no-files").assertOk();
    assertThat(Sqlite.rows(db, "t")).isEqualTo(300);
    assertThat(key).doesNotExist();

    Path elsewhere = dir.resolve("copy.db");
    Cli.Result r = cli.run("restore", "latest", "--repo", repo.toString(), "--db",
        db.toString(), "--output", elsewhere.toString()).assertOk();
    assertThat(Sqlite.rows(elsewhere, "t")).isEqualTo(300);
    assertThat(key).doesNotExist();
    assertThat(r.stdout()).contains("were not restored");
  }
}
