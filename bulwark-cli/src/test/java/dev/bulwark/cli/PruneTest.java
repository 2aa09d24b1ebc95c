package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.Restic;
import dev.bulwark.cli.testing.TestFiles;
import dev.bulwark.core.testing.Slow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bulwark prune} end to end with the real CLI and restic 0.14 as the oracle: after a
 * snapshot is forgotten, prune shrinks the repository, {@code restic check --read-data} finds
 * nothing to complain about, and every remaining snapshot restores byte-identical with both
 * tools; restic prunes what Bulwark pruned, and Bulwark prunes what restic wrote.
 */
@Slow
class PruneTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long SEED = 7171L;

  @TempDir Path dir;
  private final Cli cli = Cli.withPassword().inProcess();

  @Test
  void pruneShrinksTheRepositoryAndEveryRemainingSnapshotRestores() throws Exception {
    Path repo = dir.resolve("repo");
    Restic restic = Restic.forRepo(repo, dir.resolve("restic-cache"));
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    Path src = Files.createDirectories(dir.resolve("src"));
    Path db = TestFiles.writeRandom(src.resolve("db.bin"), 12L << 20, SEED);
    List<String> ids = new ArrayList<>();
    List<Map<String, String>> hashes = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      if (round > 0) {
        TestFiles.rewriteChunks(db, 65536, 4, round, SEED + round);
        Files.writeString(src.resolve("round.txt"), "round " + round);
      }
      ids.add(backup(repo, src));
      hashes.add(TestFiles.hashes(src));
    }
    restic.run("forget", ids.get(0));

    long before = packBytes(repo);
    JsonNode r = prune(repo, "--max-unused", "0");
    long after = packBytes(repo);
    System.out.printf("PruneTest: bulwark prune: %d -> %d bytes of packs (%d packs deleted, "
        + "%d repacked into %d)%n", before, after, r.get("packs_deleted").asLong(),
        r.get("packs_repacked").asLong(), r.get("packs_written").asLong());
    assertThat(r.get("packs_repacked").asLong()).isPositive();
    assertThat(r.get("bytes_before").asLong()).isEqualTo(before);
    assertThat(r.get("bytes_after").asLong()).isEqualTo(after);
    // The first snapshot alone held a quarter of the 64 KiB chunks of a 12 MiB file.
    assertThat(before - after).isGreaterThan((3L << 20) - (256 << 10));
    assertThat(TestFiles.repoFiles(repo, "index")).hasSize(1);
    assertResticFindsNothing(restic);
    for (int i = 1; i < 3; i++) {
      assertRestoresWithBoth(repo, restic, ids.get(i), hashes.get(i), "bulwark-pruned-" + i);
    }

    // restic prunes what Bulwark pruned.
    restic.run("forget", ids.get(1));
    restic.run("prune", "--max-unused", "0");
    assertResticFindsNothing(restic);
    cli.run("check", "--repo", repo.toString(), "--read-data").assertOk();
    assertRestoresWithBoth(repo, restic, ids.get(2), hashes.get(2), "restic-pruned");
    System.out.printf("PruneTest: then restic prune: %d bytes of packs%n", packBytes(repo));
  }

  @Test
  void forgetWithPruneRemovesSnapshotsAndTheirDataInOneGo() throws Exception {
    Path repo = dir.resolve("repo");
    Restic restic = Restic.forRepo(repo, dir.resolve("restic-cache"));
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    Path src = Files.createDirectories(dir.resolve("src"));
    Path db = TestFiles.writeRandom(src.resolve("db.bin"), 4L << 20, SEED);
    String last = null;
    for (int round = 0; round < 3; round++) {
      // Each round replaces the whole file: only the last snapshot's data is needed at the end.
      TestFiles.writeRandom(db, 4L << 20, SEED + 100 + round);
      last = backup(repo, src);
    }
    Map<String, String> hashes = TestFiles.hashes(src);
    long before = packBytes(repo);
    Cli.Result r = cli.run("forget", "--repo", repo.toString(), "--keep-last", "1", "--prune")
        .assertOk();
    assertThat(r.stdout()).contains("remove").contains("repository");
    assertThat(TestFiles.repoFiles(repo, "snapshots")).hasSize(1);
    long after = packBytes(repo);
    assertThat(after).as("two of three file versions gone").isLessThan(before / 2);
    assertResticFindsNothing(restic);
    assertRestoresWithBoth(repo, restic, last, hashes, "forget-prune");
  }

  @Test
  void bulwarkPrunesWhatResticWrote() throws Exception {
    Path repo = dir.resolve("repo");
    Restic restic = Restic.forRepo(repo, dir.resolve("restic-cache"));
    restic.run("init", "--repository-version", "2");
    Path src = Files.createDirectories(dir.resolve("src"));
    // Many small files (one blob each) in 4 MiB packs: replacing half of them leaves packs
    // partly used.
    for (int i = 0; i < 60; i++) {
      TestFiles.writeRandom(src.resolve("f" + i), 200_000, SEED + i);
    }
    String first = restic.backup("--pack-size", "4", src.toString());
    for (int i = 0; i < 60; i += 2) {
      TestFiles.writeRandom(src.resolve("f" + i), 200_000, SEED + 1000 + i);
    }
    String second = restic.backup("--pack-size", "4", src.toString());
    Map<String, String> hashes = TestFiles.hashes(src);
    restic.run("forget", first);

    long before = packBytes(repo);
    JsonNode r = prune(repo, "--max-unused", "0");
    long after = packBytes(repo);
    System.out.printf("PruneTest: bulwark prune of a restic repository: %d -> %d bytes%n",
        before, after);
    assertThat(r.get("packs_repacked").asLong() + r.get("packs_deleted").asLong()).isPositive();
    assertThat(before - after).as("the 30 replaced files are gone").isGreaterThan(5_000_000);
    assertResticFindsNothing(restic);
    assertRestoresWithBoth(repo, restic, second, hashes, "restic-written");
  }

  @Test
  void dryRunPrintsThePlanAndChangesNothing() throws Exception {
    Path repo = dir.resolve("repo");
    Restic restic = Restic.forRepo(repo, dir.resolve("restic-cache"));
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    Path src = Files.createDirectories(dir.resolve("src"));
    TestFiles.writeRandom(src.resolve("a.bin"), 3 << 20, SEED);
    String first = backup(repo, src);
    TestFiles.writeRandom(src.resolve("a.bin"), 3 << 20, SEED + 1);
    backup(repo, src);
    restic.run("forget", first);
    Map<String, String> listing = TestFiles.hashes(repo);
    Cli.Result dry = cli.run("prune", "--repo", repo.toString(), "--dry-run").assertOk();
    assertThat(dry.stdout()).contains("would delete").contains("dry run: nothing was changed")
        .containsPattern("repository after \\(estimated\\): [0-9]+ packs");
    assertThat(TestFiles.hashes(repo)).isEqualTo(listing);
    Cli.Result real = cli.run("prune", "--repo", repo.toString()).assertOk();
    assertThat(real.stdout()).doesNotContain("would");
    String deleted = firstMatch("would delete ([0-9]+) unused packs", dry.stdout());
    assertThat(Integer.parseInt(deleted)).isPositive();
    assertThat(firstMatch("delete ([0-9]+) unused packs", real.stdout())).isEqualTo(deleted);
    assertThat(TestFiles.hashes(repo)).isNotEqualTo(listing);
    Cli.Result bad = cli.run("prune", "--repo", repo.toString(), "--max-unused", "150%");
    assertThat(bad.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.stderr()).contains("--max-unused");
  }

  private static String firstMatch(String regex, String text) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as("%s in %s", regex, text).isTrue();
    return m.group(1);
  }

  private String backup(Path repo, Path src) throws IOException {
    Cli.Result r = cli.run("backup", "--repo", repo.toString(), "--pack-size", "1M", "--json",
        src.toString()).assertOk();
    return JSON.readTree(r.stdout()).get("snapshot_id").asText();
  }

  private JsonNode prune(Path repo, String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("prune", "--repo", repo.toString(), "--json"));
    args.addAll(List.of(extra));
    return JSON.readTree(cli.run(args.toArray(String[]::new)).assertOk().stdout());
  }

  private static void assertResticFindsNothing(Restic restic) {
    Restic.Outcome check = restic.runMerged("check", "--read-data");
    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.complaints()).as(check.output()).isEmpty();
  }

  private void assertRestoresWithBoth(Path repo, Restic restic, String id,
      Map<String, String> expected, String name) throws IOException {
    Path b = dir.resolve("restore/" + name + "-bulwark");
    cli.run("restore", id, "--repo", repo.toString(), "--target", b.toString()).assertOk();
    assertThat(TestFiles.restoredHashes(b)).as("bulwark restore of %s", id).isEqualTo(expected);
    Path r = dir.resolve("restore/" + name + "-restic");
    restic.run("restore", id, "--target", r.toString());
    assertThat(TestFiles.restoredHashes(r)).as("restic restore of %s", id).isEqualTo(expected);
  }

  private static long packBytes(Path repo) throws IOException {
    long n = 0;
    for (Path p : TestFiles.repoFiles(repo, "data")) {
      n += Files.size(p);
    }
    return n;
  }
}
