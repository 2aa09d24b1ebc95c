package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.core.testing.Slow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repository on a read-only file system (a read-only bind mount; root ignores file modes,
 * so modes would not do): without {@code --no-lock} one line names the cause and the flag;
 * with it, snapshots, check and restore work.
 */
@Slow
class ReadOnlyRepositoryTest {
  private static final Cli CLI = Cli.withPassword().inProcess();

  @TempDir Path dir;

  @Test
  void readOnlyCommandsReadAReadOnlyRepositoryWithNoLock() throws Exception {
    Path repo = dir.resolve("repo");
    Path src = Files.createDirectories(dir.resolve("src"));
    Files.writeString(src.resolve("a.txt"), "kept");
    Path db = dir.resolve("app.db");
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
        var s = c.createStatement()) {
      s.execute("create table t(x)");
      s.execute("insert into t values (42)");
    }
    String r = repo.toString();
    CLI.run("init", "--repo", r, "--kdf-n", "1024").assertOk();
    CLI.run("backup", "--repo", r, src.toString()).assertOk();
    CLI.run("backup", "--repo", r, "--sqlite", db.toString()).assertOk();

    boolean mounted = run("mount", "--bind", r, r);
    try {
      if (!mounted || !run("mount", "-o", "remount,ro,bind", r)) {
        String why = "cannot make a read-only bind mount here (needs root and mount)";
        if ("1".equals(System.getenv("BULWARK_REQUIRE_TOOLS"))) {
          throw new AssertionError(why);
        }
        Assumptions.abort(why);
      }
      Cli.Result locked = CLI.run("snapshots", "--repo", r);
      assertThat(locked.exitCode()).isEqualTo(1);
      List<String> lines = locked.stderr().lines().filter(l -> !l.isBlank()).toList();
      assertThat(lines).hasSize(1);
      assertThat(lines.get(0)).contains("Read-only file system").contains("--no-lock");

      assertThat(CLI.run("snapshots", "--repo", r, "--no-lock").assertOk().stdout())
          .contains(src.toString());
      CLI.run("check", "--repo", r, "--no-lock", "--read-data").assertOk();
      Path target = dir.resolve("target");
      CLI.run("restore", "--repo", r, "--no-lock", "--target", target.toString(),
          snapshotOf(r, src))
          .assertOk();
      assertThat(Files.readString(target.resolve(src.toString().substring(1)).resolve("a.txt")))
          .isEqualTo("kept");
      // Disaster recovery of a database from read-only media.
      Files.delete(db);
      CLI.run("restore", "latest", "--repo", r, "--no-lock", "--db", db.toString()).assertOk();
      assertThat(db).exists();
    } finally {
      if (mounted) {
        run("umount", r);
      }
    }
  }

  /** The id of the snapshot whose paths are {@code src}. */
  private static String snapshotOf(String repo, Path src) throws Exception {
    String json = CLI.run("snapshots", "--repo", repo, "--json", "--no-lock").assertOk()
        .stdout();
    for (var n : new com.fasterxml.jackson.databind.ObjectMapper().readTree(json)) {
      if (n.path("paths").get(0).asText().equals(src.toString())) {
        return n.path("id").asText();
      }
    }
    throw new AssertionError("no snapshot of " + src);
  }

  private static boolean run(String... cmd) throws Exception {
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    } catch (java.io.IOException e) {
      return false;
    }
    return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
  }
}
