package dev.bulwark.cli;

import static dev.bulwark.core.testing.Sqlite.sql;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad {@code restore --db DB --output} targets: each refused on one line, nothing written. */
class RestoreOutputBadInputTest {
  @TempDir Path dir;

  private final Cli cli = Cli.withPassword().inProcess();

  @Test
  void outputOntoAFolderIsAUsageErrorAndTheFolderIsUntouched() throws Exception {
    Path repo = dir.resolve("repo");
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    Path folder = Files.createDirectory(dir.resolve("restored"));
    Files.writeString(folder.resolve("keep.txt"), "kept");

    Cli.Result r = cli.run("restore", "latest", "--repo", repo.toString(),
        "--db", dir.resolve("app.db").toString(), "--output", folder.toString());

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.stderr()).contains("is a folder").contains(folder.toString());
    assertThat(r.stderr()).doesNotContain("Exception");
    assertThat(Files.readString(folder.resolve("keep.txt"))).isEqualTo("kept");
    try (var s = Files.list(folder)) {
      assertThat(s.toList()).containsExactly(folder.resolve("keep.txt"));
    }
  }

  @Test
  void outputIntoAReadOnlyPlaceFailsOnOneLine() throws Exception {
    Path repo = dir.resolve("repo");
    Path db = dir.resolve("app.db");
    sql(db, "create table t(x)", "insert into t values (1)");
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    cli.run("backup", "--repo", repo.toString(), "--sqlite", db.toString()).assertOk();
    // /proc refuses new files even to root, so this holds whoever runs the tests.
    Path ro = Path.of("/proc/bulwark-restore-test.db");

    Cli.Result r = cli.run("restore", "latest", "--repo", repo.toString(),
        "--db", db.toString(), "--output", ro.toString());

    assertThat(r.exitCode()).as(r.toString()).isNotZero();
    assertThat(r.stderr().lines().toList()).as(r.toString()).hasSize(1);
    assertThat(r.stderr()).contains("/proc").doesNotContain("\tat ");
    assertThat(ro).doesNotExist();
  }

  @Test
  void outputOntoAnOpenDatabaseIsRefusedAndItIsUnchanged() throws Exception {
    Path repo = dir.resolve("repo");
    Path db = dir.resolve("app.db");
    sql(db, "create table t(x)", "insert into t values (1)");
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    cli.run("backup", "--repo", repo.toString(), "--sqlite", db.toString()).assertOk();
    Path other = dir.resolve("other.db");
    sql(other, "create table u(y)", "insert into u values (42)");
    byte[] before = Files.readAllBytes(other);
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + other);
        var st = c.createStatement()) {
      st.execute("begin exclusive");
      Cli.Result r = cli.run("restore", "latest", "--repo", repo.toString(),
          "--db", db.toString(), "--output", other.toString());
      assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
      assertThat(r.stderr().lines().toList()).as(r.toString()).hasSize(1);
      assertThat(r.stderr()).contains("in use").contains(other.toString());
      st.execute("rollback");
    }
    assertThat(Files.readAllBytes(other)).isEqualTo(before);
  }
}
