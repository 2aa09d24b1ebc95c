package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One snapshot file with a flipped byte: listings, {@code restore latest} and backups skip it
 * with one line, {@code check} reports it, {@code prune} refuses until it is forgotten, and
 * {@code forget ID} removes it though it cannot be read.
 */
class DamagedSnapshotTest {
  private static final Cli CLI = Cli.withPassword().inProcess();

  @TempDir Path dir;

  @Test
  void aDamagedSnapshotIsSkippedReportedAndForgettable() throws Exception {
    Path repo = dir.resolve("repo");
    Path src = Files.createDirectories(dir.resolve("src"));
    Files.writeString(src.resolve("a.txt"), "first");
    String r = repo.toString();
    CLI.run("init", "--repo", r, "--kdf-n", "1024").assertOk();
    CLI.run("backup", "--repo", r, src.toString()).assertOk();
    Path damaged = TestFiles.repoFiles(repo, "snapshots").get(0);
    String id = damaged.getFileName().toString();
    Files.writeString(src.resolve("a.txt"), "second");
    CLI.run("backup", "--repo", r, src.toString()).assertOk();
    TestFiles.flipByte(damaged, Files.size(damaged) / 2);

    Cli.Result list = CLI.run("snapshots", "--repo", r).assertOk();
    assertThat(list.stdout()).doesNotContain(id.substring(0, 8));
    assertThat(list.stderr().lines().filter(l -> l.contains(id.substring(0, 8))).toList())
        .hasSize(1);
    assertThat(list.stderr()).doesNotContain("\tat ");

    Path target = dir.resolve("target");
    CLI.run("restore", "latest", "--repo", r, "--target", target.toString()).assertOk();
    assertThat(Files.readString(target.resolve(src.toString().substring(1)).resolve("a.txt")))
        .isEqualTo("second");
    CLI.run("backup", "--repo", r, src.toString()).assertOk();

    Cli.Result check = CLI.run("check", "--repo", r);
    assertThat(check.exitCode()).isEqualTo(1);
    assertThat(check.stdout() + check.stderr()).contains(id.substring(0, 8));

    Cli.Result prune = CLI.run("prune", "--repo", r);
    assertThat(prune.exitCode()).isNotZero();
    List<String> lines = prune.stderr().lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).contains(id.substring(0, 8)).contains("bulwark forget");

    CLI.run("forget", id.substring(0, 8), "--repo", r).assertOk();
    assertThat(damaged).doesNotExist();
    CLI.run("check", "--repo", r).assertOk();
    CLI.run("prune", "--repo", r).assertOk();
  }
}
