package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.Manifest;
import dev.bulwark.cli.testing.Restic;
import dev.bulwark.cli.testing.Restic.SnapshotInfo;
import dev.bulwark.cli.testing.SampleTree;
import dev.bulwark.core.testing.Slow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * restic 0.14 writes (repository version 2, its own Rabin chunks and compression), Bulwark
 * reads: lists, checks every byte, restores whole snapshots and single files, by full id,
 * unique prefix and {@code latest}.
 */
@Slow
class BulwarkReadsResticTest {
  private static final long SEED = 4242L;

  @TempDir Path dir;

  private final Cli cli = Cli.withPassword().inProcess();

  @Test
  void bulwarkListsChecksAndRestoresWhatResticWrote() throws Exception {
    Path repo = dir.resolve("repo");
    Path src = dir.resolve("src");
    Restic restic = Restic.forRepo(repo, Files.createDirectories(dir.resolve("restic-cache")));
    restic.run("init", "--repository-version", "2");
    // Big enough for several of restic's content-defined chunks (512 KiB to 8 MiB).
    SampleTree.create(src, 24L << 20, SEED);

    Map<String, String> before = Manifest.of(src);
    String first = restic.backup("--host", "restic-host", "--tag", "one", src.toString());
    SampleTree.modify(src, SEED + 1);
    Map<String, String> after = Manifest.of(src);
    assertThat(after).as("modify() changed the tree").isNotEqualTo(before);
    String second = restic.backup("--host", "restic-host", "--tag", "two", "--tag", "2 b",
        src.toString());

    // Same ids, and the same fields, in both listings.
    Map<String, SnapshotInfo> theirs = Restic.parseSnapshots(restic.run("snapshots", "--json"));
    Map<String, SnapshotInfo> ours = Restic.parseSnapshots(
        cli.run("snapshots", "--repo", repo.toString(), "--json").assertOk().stdout());
    assertThat(theirs.keySet()).containsExactlyInAnyOrder(first, second);
    assertThat(ours.keySet()).containsExactly(first, second);
    assertThat(ours).isEqualTo(theirs);
    assertThat(ours.get(second).parent()).isEqualTo(first);
    assertThat(ours.get(second).tags()).containsExactly("two", "2 b");
    assertThat(ours.get(first).paths()).containsExactly(src.toString());

    Cli.Result check = cli.run("check", "--repo", repo.toString(), "--read-data").assertOk();
    assertThat(check.stdout()).contains("no errors were found").doesNotContain("hint:")
        .containsPattern("[1-9][0-9]* packs read");
    assertThat(check.stderr()).doesNotContain("error");

    // First snapshot by the shortest prefix that is unique (at least 4 hex digits).
    String prefix = uniquePrefix(first, List.of(first, second));
    Path t1 = dir.resolve("restore-prefix");
    Cli.Result r1 = cli.run("restore", prefix, "--repo", repo.toString(), "--target",
        t1.toString()).assertOk();
    assertThat(r1.stdout()).contains(first.substring(0, 8));
    Manifest.assertMatches(before, Manifest.restored(t1, src), "restore " + prefix);

    Path t2 = dir.resolve("restore-latest");
    Cli.Result r2 = cli.run("restore", "latest", "--repo", repo.toString(), "--target",
        t2.toString()).assertOk();
    assertThat(r2.stdout()).contains(second.substring(0, 8));
    Manifest.assertMatches(after, Manifest.restored(t2, src), "restore latest");

    // --include of one nested file restores that file and nothing else.
    String deep = SampleTree.DEEP_FILE.replace("/level4/", "/level4 renamed/");
    assertThat(after).containsKey(deep);
    Path t3 = dir.resolve("restore-include");
    cli.run("restore", second, "--repo", repo.toString(), "--target", t3.toString(),
        "--include", src.resolve(deep).toString()).assertOk();
    Path restoredDeep = Manifest.restored(t3, src).resolve(deep);
    assertThat(nonDirectories(t3)).containsExactly(restoredDeep);
    Manifest.assertMatches(Map.of("", after.get(deep)), restoredDeep, "restore --include");

    // A file that only the first snapshot has, by prefix, through --include.
    Path t4 = dir.resolve("restore-include-old");
    cli.run("restore", prefix, "--repo", repo.toString(), "--target", t4.toString(),
        "--include", src.resolve("one-byte").toString()).assertOk();
    assertThat(nonDirectories(t4)).containsExactly(
        Manifest.restored(t4, src).resolve("one-byte"));
    Manifest.assertMatches(Map.of("", before.get("one-byte")),
        Manifest.restored(t4, src).resolve("one-byte"), "restore --include one-byte");
  }

  /**
   * {@code --include} of a symlink: restic restores the link and exits 0, and so must Bulwark
   * (it once restored the link, then failed with "nothing in snapshot ... matches").
   */
  @Test
  void includeOfASymlinkRestoresItAndSucceeds() throws Exception {
    Path repo = dir.resolve("repo");
    Path src = Files.createDirectories(dir.resolve("src"));
    Files.writeString(src.resolve("target.txt"), "pointed at\n");
    Path link = Files.createSymbolicLink(src.resolve("link"), Path.of("target.txt"));
    Restic restic = Restic.forRepo(repo, Files.createDirectories(dir.resolve("restic-cache")));
    restic.run("init", "--repository-version", "2");
    String id = restic.backup(src.toString());

    // The oracle: restic itself restores just the link, successfully.
    Path theirs = dir.resolve("restic-out");
    restic.run("restore", id, "--target", theirs.toString(), "--include", link.toString());
    assertThat(nonDirectories(theirs)).containsExactly(Manifest.restored(theirs, link));

    Path ours = dir.resolve("bulwark-out");
    Cli.Result r = cli.run("restore", id, "--repo", repo.toString(), "--target",
        ours.toString(), "--include", link.toString());
    assertThat(nonDirectories(ours)).containsExactly(Manifest.restored(ours, link));
    assertThat(Files.readSymbolicLink(Manifest.restored(ours, link)))
        .isEqualTo(Path.of("target.txt"));
    r.assertOk();
  }

  private static String uniquePrefix(String id, List<String> all) {
    for (int n = 4; n < id.length(); n++) {
      String p = id.substring(0, n);
      if (all.stream().filter(other -> other.startsWith(p)).count() == 1) {
        return p;
      }
    }
    return id;
  }

  private static List<Path> nonDirectories(Path root) throws Exception {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> Files.isSymbolicLink(p) || !Files.isDirectory(p)).toList();
    }
  }
}
