package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.Restic;
import dev.bulwark.core.testing.Slow;
import dev.bulwark.core.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder tree deeper than PATH_MAX: the backup saves everything it can reach, names what it
 * could not, exits 3 and leaves a snapshot holding exactly what restic's snapshot of the same
 * tree holds (restic is the oracle: it does the same).
 */
@Slow
class LongPathTest {
  @TempDir Path dir;

  @AfterEach
  void removeDeepTree() {
    // JUnit cannot delete paths longer than PATH_MAX; rm works down by folder.
    Tools.run(dir, Map.of(), "rm", "-rf", dir.resolve("src").toString());
  }

  @Test
  void pathLongerThanPathMaxIsSkippedTheRestIsSavedAndTheExitCodeIs3() throws Exception {
    Path repo = dir.resolve("repo");
    Path src = dir.resolve("src");
    Path py = Path.of(getClass().getResource("/names/make_deep_tree.py").toURI());
    Tools.run(dir, Map.of(), Tools.require("python3").toString(), py.toString(), src.toString());
    Cli cli = Cli.withPassword().inProcess();
    Restic restic = Restic.forRepo(repo, Files.createDirectories(dir.resolve("cache")));
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();

    Cli.Result backup = cli.run("backup", "--repo", repo.toString(), "--json", src.toString());
    assertThat(backup.exitCode()).as(backup.stderr()).isEqualTo(3);
    assertThat(backup.stderr()).contains("File name too long");

    Restic.Outcome resticBackup = restic.runMerged("backup", src.toString());
    assertThat(resticBackup.exitCode()).as(resticBackup.output()).isEqualTo(3);
    List<String> snapshots = List.copyOf(Restic.parseSnapshots(
        restic.run("snapshots", "--json")).keySet());
    assertThat(snapshots).hasSize(2);
    assertThat(entries(restic, snapshots.get(0))).hasSizeGreaterThan(10)
        .contains(src.resolve("top/ok").toString())
        .isEqualTo(entries(restic, snapshots.get(1)));
    Restic.Outcome check = restic.runMerged("check", "--read-data");
    assertThat(check.exitCode()).as(check.output()).isZero();
  }

  /** restic ls of a snapshot, without its header line. */
  private static List<String> entries(Restic restic, String snapshot) {
    return restic.run("ls", snapshot).lines().filter(l -> l.startsWith("/")).toList();
  }
}
