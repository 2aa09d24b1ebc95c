package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.Manifest;
import dev.bulwark.cli.testing.Restic;
import dev.bulwark.cli.testing.Restic.SnapshotInfo;
import dev.bulwark.cli.testing.SampleTree;
import dev.bulwark.core.testing.Slow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bulwark writes, the real restic 0.14 reads: check with --read-data, list, restore every
 * snapshot byte for byte, then back up into the same repository and have both tools check it.
 */
@Slow
class ResticReadsBulwarkTest {
  private static final long SEED = 20261121L;
  private static final String HOST = "bulwark-it-host";

  @TempDir Path dir;

  private final Cli cli = Cli.withPassword().inProcess();

  @Test
  void resticChecksListsAndRestoresWhatBulwarkWrote() throws Exception {
    Path repo = dir.resolve("repo");
    Path src = dir.resolve("src");
    Restic restic = Restic.forRepo(repo, Files.createDirectories(dir.resolve("restic-cache")));
    SampleTree.create(src, 64L << 20, SEED);
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();

    // Expected state of each snapshot: backed-up path -> manifest of that path at backup time.
    Map<String, Map<Path, Map<String, String>>> expected = new LinkedHashMap<>();

    String first = backup(repo, List.of(src), "--host", HOST, "--tag", "first");
    expected.put(first, Map.of(src, Manifest.of(src)));

    Map<String, String> unchanged = Manifest.of(src);
    String second = backup(repo, List.of(src), "--host", HOST, "--tag", "unchanged");
    expected.put(second, Map.of(src, unchanged));
    assertThat(unchanged).as("source untouched between the first two backups")
        .isEqualTo(expected.get(first).get(src));

    SampleTree.modify(src, SEED + 1);
    Map<String, String> modified = Manifest.of(src);
    assertThat(modified).as("modify() changed the tree").isNotEqualTo(unchanged);
    String third = backup(repo, List.of(src), "--host", HOST, "--tag", "modified",
        "--tag", "with space");
    expected.put(third, Map.of(src, modified));

    // Several paths in one snapshot, one of them a single file, from another host, no tags.
    Path subdir = src.resolve("dir with space");
    Path single = src.resolve("mixed.bin");
    String fourth = backup(repo, List.of(subdir, single), "--host", "other host");
    expected.put(fourth, Map.of(subdir, Manifest.of(subdir), single, Manifest.of(single)));

    // restic check --read-data: exit 0 and no complaint of any kind.
    Restic.Outcome check = restic.runMerged("check", "--read-data", "--check-unused");
    assertThat(check.exitCode()).as("restic check --read-data --check-unused:\n%s",
        check.output()).isZero();
    assertThat(check.complaints()).as("complaints in restic check output:\n%s", check.output())
        .isEmpty();
    assertThat(check.output()).contains("no errors were found");

    // Both listings name exactly the snapshots the backups reported, with the same fields.
    Map<String, SnapshotInfo> ours = Restic.parseSnapshots(
        cli.run("snapshots", "--repo", repo.toString(), "--json").assertOk().stdout());
    Map<String, SnapshotInfo> theirs = Restic.parseSnapshots(restic.run("snapshots", "--json"));
    assertThat(ours.keySet()).containsExactlyElementsOf(expected.keySet());
    assertThat(theirs.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    for (String id : expected.keySet()) {
      assertThat(theirs.get(id)).as("restic's view of snapshot %s", id).isEqualTo(ours.get(id));
    }
    assertThat(theirs.get(first).tags()).containsExactly("first");
    assertThat(theirs.get(third).tags()).containsExactly("modified", "with space");
    assertThat(theirs.get(fourth).tags()).isEmpty();
    assertThat(theirs.get(first).hostname()).isEqualTo(HOST);
    assertThat(theirs.get(fourth).hostname()).isEqualTo("other host");
    assertThat(theirs.get(first).paths()).containsExactly(src.toString());
    assertThat(theirs.get(fourth).paths()).containsExactly(subdir.toString(), single.toString());
    assertThat(theirs.get(second).parent()).isEqualTo(first);
    assertThat(theirs.get(third).parent()).isEqualTo(second);

    // restic restores every snapshot exactly as the source was when it was taken.
    int n = 0;
    for (var snap : expected.entrySet()) {
      Path target = dir.resolve("restic-restore-" + n++);
      restic.run("restore", snap.getKey(), "--target", target.toString());
      assertRestored(target, src, snap.getValue(), "restic restore " + snap.getKey());
      deleteTree(target);
    }

    // restic backs up into the Bulwark repository, taking our latest snapshot as its parent.
    String resticSnap = restic.backup("--host", HOST, src.toString());
    assertThat(Restic.parseSnapshots(restic.run("snapshots", "--json")).get(resticSnap).parent())
        .as("restic used Bulwark's snapshot of the same host and path as parent")
        .isEqualTo(third);
    Restic.Outcome recheck = restic.runMerged("check", "--read-data", "--check-unused");
    assertThat(recheck.exitCode()).as("restic check after restic backup:\n%s",
        recheck.output()).isZero();
    assertThat(recheck.complaints()).as("complaints:\n%s", recheck.output()).isEmpty();

    Cli.Result ourCheck = cli.run("check", "--repo", repo.toString(), "--read-data").assertOk();
    assertThat(ourCheck.stdout()).contains("no errors were found").doesNotContain("hint:");
    assertThat(ourCheck.stderr()).doesNotContain("error");
    assertThat(Restic.parseSnapshots(cli.run("snapshots", "--repo", repo.toString(), "--json")
        .assertOk().stdout()).keySet()).contains(resticSnap).hasSize(expected.size() + 1);

    // Bulwark restores restic's snapshot of the (unchanged since) modified tree.
    Path target = dir.resolve("bulwark-restore-restic-snapshot");
    cli.run("restore", resticSnap, "--repo", repo.toString(), "--target", target.toString())
        .assertOk();
    assertRestored(target, src, Map.of(src, modified), "bulwark restore of restic's snapshot");
  }

  /** Everything restored under {@code target} is exactly {@code paths}, as recorded. */
  private static void assertRestored(Path target, Path src, Map<Path, Map<String, String>> paths,
      String what) throws Exception {
    for (var p : paths.entrySet()) {
      Manifest.assertMatches(p.getValue(), Manifest.restored(target, p.getKey()), what);
    }
    // Nothing but the backed-up paths under the source folder.
    if (!paths.containsKey(src)) {
      try (Stream<Path> s = Files.list(Manifest.restored(target, src))) {
        assertThat(s.map(q -> q.getFileName().toString()).toList()).as(what)
            .containsExactlyInAnyOrderElementsOf(
                paths.keySet().stream().map(q -> q.getFileName().toString()).toList());
      }
    }
  }

  /** {@code bulwark backup --json} of {@code paths} and the new snapshot's full id. */
  private String backup(Path repo, List<Path> paths, String... options) throws Exception {
    List<String> args = new ArrayList<>(List.of("backup", "--repo", repo.toString(), "--json"));
    args.addAll(List.of(options));
    paths.forEach(p -> args.add(p.toString()));
    Cli.Result r = cli.run(args.toArray(String[]::new)).assertOk();
    String id = new ObjectMapper().readTree(r.stdout()).path("snapshot_id").asText();
    assertThat(id).as("snapshot id in %s", r.stdout()).matches("[0-9a-f]{64}");
    return id;
  }

  private static void deleteTree(Path root) throws Exception {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        if (!Files.isSymbolicLink(p) && Files.isDirectory(p)) {
          p.toFile().setWritable(true);
        }
        Files.delete(p);
      }
    }
  }
}
