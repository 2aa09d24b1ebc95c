package dev.bulwark.cli.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.Restic;
import dev.bulwark.core.testing.Slow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real restic lists a group snapshot with every member's tags and restores it whole. */
@Slow
class GroupSnapshotResticTest {
  @TempDir Path dir;
  private final Cli cli = Cli.withPassword().inProcess();

  @Test
  void resticListsAndRestoresAGroupSnapshot() throws Exception {
    Path[] svc = GroupBackupCliTest.service(dir);
    Path repo = dir.resolve("repo");
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    cli.run("backup", "--repo", repo.toString(), "--group", "node", "--sqlite",
        svc[0].toString(), "--rocksdb", svc[1].toString(), "--file", svc[2].toString())
        .assertOk();
    Restic restic = Restic.forRepo(repo, dir.resolve("cache"));
    restic.run("check", "--read-data");
    String listed = restic.run("snapshots", "--json", "--tag", "bulwark:group=node");
    assertThat(listed).contains("bulwark:1.kind=sqlite").contains("bulwark:1.db=" + svc[0])
        .contains("bulwark:2.kind=rocksdb").contains("bulwark:2.db=" + svc[1]);

    Path out = dir.resolve("restic-out");
    restic.run("restore", "latest", "--target", out.toString());
    // The SQLite member is the consistent copy, so compare rows, not bytes; the closed
    // RocksDB folder and the key file are byte for byte what was backed up.
    assertThat(dev.bulwark.core.testing.Sqlite.rows(inside(out, svc[0]), "t")).isEqualTo(500);
    assertThat(Files.readString(inside(out, svc[2]))).isEqualTo("identity");
    for (Path f : files(svc[1])) {
      assertThat(Files.readAllBytes(inside(out, f))).as(f.toString())
          .isEqualTo(Files.readAllBytes(f));
    }
  }

  @Test
  void bulwarkRestoresTheGroupToTheBytesResticRestores() throws Exception {
    Path[] svc = GroupRestoreTest.service(dir);
    Path repo = dir.resolve("repo");
    GroupRestoreTest.backUp(cli, repo, svc);
    Path out = dir.resolve("restic-out");
    Restic.forRepo(repo, dir.resolve("cache")).run("restore", "latest", "--target",
        out.toString());
    for (Path p : svc) {
      dev.bulwark.core.fs.FileTrees.deleteRecursively(p);
    }

    cli.run("restore", "latest", "--repo", repo.toString(), "--group", "node").assertOk();

    List<Path> restored = new java.util.ArrayList<>(List.of(svc[0], svc[2], svc[3]));
    restored.addAll(files(svc[1]));
    assertThat(files(svc[1])).isNotEmpty();
    for (Path f : restored) {
      assertThat(Files.readAllBytes(f)).as(f.toString())
          .isEqualTo(Files.readAllBytes(inside(out, f)));
    }
    assertThat(files(inside(out, svc[1]))).hasSameSizeAs(files(svc[1]));
  }

  private static List<Path> files(Path folder) throws Exception {
    try (Stream<Path> s = Files.walk(folder)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  private static Path inside(Path target, Path original) {
    return target.resolve(original.toString().substring(1));
  }
}
