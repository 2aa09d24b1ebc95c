package dev.bulwark.cli.group;

import static dev.bulwark.core.testing.Sqlite.rows;
import static dev.bulwark.core.testing.Sqlite.sql;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code restore latest --db A} takes the newest snapshot holding A, a group snapshot too, and
 * restores A alone with the key files: another member is a database, never written as a file.
 */
class GroupMemberRestoreTest {
  @TempDir Path dir;
  private final Cli cli = Cli.withPassword().inProcess();

  @Test
  void aMemberOfAGroupSnapshotIsRestoredWithTheKeyFilesAndTheOtherMemberIsUntouched()
      throws Exception {
    Path repo = dir.resolve("repo");
    Path a = dir.resolve("a.db");
    Path b = dir.resolve("b.db");
    Path key = dir.resolve("node.key");
    sql(a, "create table t(x)", "insert into t values (1)");
    sql(b, "create table u(y)", "insert into u values (1)");
    Files.writeString(key, "identity");
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    // An older single snapshot of A: the group snapshot after it must be the one restored.
    cli.run("backup", "--repo", repo.toString(), "--sqlite", a.toString()).assertOk();
    sql(a, "insert into t values (2)");
    cli.run("backup", "--repo", repo.toString(), "--group", "svc", "--sqlite", a.toString(),
        "--sqlite", b.toString(), "--file", key.toString()).assertOk();
    sql(b, "insert into u values (2)");
    byte[] bAfter = Files.readAllBytes(b);
    Files.delete(a);
    Files.delete(key);

    Cli.Result r = cli.run("restore", "latest", "--repo", repo.toString(), "--db",
        a.toString()).assertOk();

    assertThat(rows(a, "t")).as(r.toString()).isEqualTo(2);
    assertThat(Files.readString(key)).isEqualTo("identity");
    assertThat(Files.readAllBytes(b)).isEqualTo(bAfter);
    assertThat(rows(b, "u")).isEqualTo(2);
  }
}
