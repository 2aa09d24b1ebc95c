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
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a running {@code bulwark prune} at the points where its safety argument
 * changes hands: after its first new pack, after its new (superseding) index, after the first
 * old index file is deleted, after the first pack is deleted. Each kill runs on a fresh copy of
 * one template repository: three snapshots of a 96 MiB file whose 64 KiB chunks change one in
 * four at a time, in 1 MiB packs, the first snapshot forgotten (so every one of its packs is
 * partly used), plus the debris of a killed backup (unindexed packs, a stale lock, temp files).
 *
 * <p>While watching, every poll also checks the order the safety argument relies on: no pack is
 * deleted while an old index file remains, and no old index file is deleted before a new one
 * exists. After each kill both checkers accept the repository, both remaining snapshots restore
 * byte-identical with both tools, and a second prune finishes the job and removes the debris.
 */
@Slow
class PruneCrashTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long FILE_BYTES = 96L << 20;
  private static final Duration POINT_TIMEOUT = Duration.ofMinutes(2);
  private static final long SEED = 9090L;

  @TempDir static Path dir;
  /** Runs the commands that are not killed in this JVM; {@link Cli#start} is a child JVM. */
  private static final Cli CLI = Cli.withPassword().inProcess();
  private static Path template;
  private static Set<String> templatePacks;
  private static Set<String> templateIndexes;
  private static long templatePackBytes;
  private static final List<String> KEPT = new ArrayList<>();
  private static final List<Map<String, String>> HASHES = new ArrayList<>();

  /** What the watched prune had done when looked at. */
  private record State(int newPacks, int packsGone, int newIndexes, int oldIndexesGone,
      int oldIndexes) {}

  @BeforeAll
  static void templateWithAForgottenSnapshotAndAKilledBackup() throws Exception {
    template = dir.resolve("template");
    Restic restic = Restic.forRepo(template, dir.resolve("restic-cache"));
    CLI.run("init", "--repo", template.toString(), "--kdf-n", "1024").assertOk();
    Path src = Files.createDirectories(dir.resolve("src"));
    Path db = TestFiles.writeRandom(src.resolve("db.bin"), FILE_BYTES, SEED);
    String first = null;
    for (int round = 0; round < 3; round++) {
      if (round > 0) {
        TestFiles.rewriteChunks(db, 65536, 4, round - 1, SEED + round);
        Files.writeString(src.resolve("round.txt"), "round " + round);
      }
      Cli.Result r = CLI.run("backup", "--repo", template.toString(), "--pack-size", "1M",
          "--json", src.toString()).assertOk();
      String id = JSON.readTree(r.stdout()).get("snapshot_id").asText();
      if (round == 0) {
        first = id;
      } else {
        KEPT.add(id);
        HASHES.add(TestFiles.hashes(src));
      }
    }
    // A backup killed after a few packs: unindexed packs and a stale lock.
    Path other = TestFiles.writeRandom(dir.resolve("other/new.bin"), 48L << 20, SEED + 99);
    Set<String> before = names(TestFiles.repoFiles(template, "data"));
    Process p = CLI.start(dir.resolve("backup.out"), dir.resolve("backup.err"), "backup",
        "--repo", template.toString(), "--pack-size", "1M", other.getParent().toString());
    long t0 = System.nanoTime();
    while (newCount(TestFiles.repoFiles(template, "data"), before) < 3) {
      assertThat(p.isAlive()).as("the backup is still running").isTrue();
      assertThat(System.nanoTime() - t0).isLessThan(POINT_TIMEOUT.toNanos());
      Thread.sleep(1);
    }
    p.destroyForcibly();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    // Temp files of writers killed mid-write, named as restic and AtomicFiles name them.
    Files.writeString(template.resolve("data/00/" + "00".repeat(32) + "-tmp-0123456789abcdef"),
        "half a pack");
    Files.writeString(template.resolve("index/" + "11".repeat(32) + "-tmp-0123456789abcdef"),
        "half an index");
    restic.run("unlock");
    restic.run("forget", first);
    templatePacks = names(TestFiles.repoFiles(template, "data"));
    templateIndexes = names(TestFiles.repoFiles(template, "index"));
    templatePackBytes = packBytes(template);
    log("template: %d packs (%d unindexed from the killed backup), %.1f MiB, %d index files",
        templatePacks.size(), newCount(TestFiles.repoFiles(template, "data"), before),
        templatePackBytes / 1048576.0, templateIndexes.size());
  }

  @Test
  void killedAfterItsFirstNewPack() throws Exception {
    Path repo = copyTemplate("first-pack");
    State s = killPruneWhen(repo, "first new pack", "4", st -> st.newPacks() >= 1);
    assertThat(s.packsGone()).isZero();
    verifyAndFinish(repo, "first-pack");
  }

  @Test
  void killedAfterItsNewIndex() throws Exception {
    Path repo = copyTemplate("new-index");
    // One batch for everything: the first new index file is the one that supersedes the rest.
    State s = killPruneWhen(repo, "new index", "1000000", st -> st.newIndexes() >= 1);
    assertThat(s.newIndexes()).isPositive();
    Set<String> fresh = names(TestFiles.repoFiles(repo, "index"));
    fresh.removeAll(templateIndexes);
    String index = fresh.iterator().next();
    JsonNode json = JSON.readTree(restic(repo).run("--no-lock", "cat", "index", index));
    assertThat(json.path("supersedes")).extracting(JsonNode::asText)
        .containsAll(templateIndexes);
    verifyAndFinish(repo, "new-index");
  }

  @Test
  void killedAfterItsFirstOldIndexDeletion() throws Exception {
    Path repo = copyTemplate("old-index");
    State s = killPruneWhen(repo, "first old index deleted", "4",
        st -> st.oldIndexesGone() >= 1);
    assertThat(s.newIndexes()).isPositive();
    verifyAndFinish(repo, "old-index");
  }

  @Test
  void killedAfterItsFirstPackDeletion() throws Exception {
    Path repo = copyTemplate("pack-deletion");
    State s = killPruneWhen(repo, "first pack deleted", "4", st -> st.packsGone() >= 1);
    assertThat(s.oldIndexes()).isZero();
    verifyAndFinish(repo, "pack-deletion");
  }

  // ---------------------------------------------------------------- helpers

  private static State killPruneWhen(Path repo, String name, String batch,
      Predicate<State> point) throws Exception {
    Path out = dir.resolve("prune-" + repo.getFileName() + ".out");
    Path err = dir.resolve("prune-" + repo.getFileName() + ".err");
    long t0 = System.nanoTime();
    Process p = CLI.start(out, err, "prune", "--repo", repo.toString(), "--max-unused", "0",
        "--pack-size", "1M", "--batch", batch);
    State seen;
    while (true) {
      seen = state(repo);
      // The safety argument's order, checked at every look.
      assertThat(seen.packsGone() == 0 || seen.oldIndexes() == 0)
          .as("no pack deleted while an old index remains: %s", seen).isTrue();
      assertThat(seen.oldIndexesGone() == 0 || seen.newIndexes() > 0)
          .as("no old index deleted before a new one exists: %s", seen).isTrue();
      if (point.test(seen)) {
        break;
      }
      if (!p.isAlive()) {
        throw new AssertionError("prune ended (exit " + p.exitValue() + ") before '" + name
            + "'; " + seen + "\nstdout:\n" + Files.readString(out) + "\nstderr:\n"
            + Files.readString(err));
      }
      if (System.nanoTime() - t0 > POINT_TIMEOUT.toNanos()) {
        p.destroyForcibly();
        throw new AssertionError("kill point '" + name + "' not reached; " + seen);
      }
      Thread.sleep(1);
    }
    boolean aliveAtKill = p.isAlive();
    p.destroyForcibly(); // SIGKILL
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    State after = state(repo);
    log("kill point '%s': killed after %d ms; seen %s; after %s; temp files %s", name,
        (System.nanoTime() - t0) / 1_000_000, seen, after, TestFiles.tempFiles(repo).size());
    assertThat(aliveAtKill).as("still running when '%s' was seen", name).isTrue();
    assertThat(p.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
    assertThat(Files.readString(out)).doesNotContain("repository after");
    return after;
  }

  private static State state(Path repo) throws IOException {
    // Packs first, then indexes: a pack seen gone means every old index was gone before.
    Set<String> packs = liveNames(repo.resolve("data"), 2);
    Set<String> indexes = liveNames(repo.resolve("index"), 1);
    int newPacks = (int) packs.stream().filter(n -> !templatePacks.contains(n)).count();
    int packsGone = (int) templatePacks.stream().filter(n -> !packs.contains(n)).count();
    int newIndexes = (int) indexes.stream().filter(n -> !templateIndexes.contains(n)).count();
    int oldLeft = (int) templateIndexes.stream().filter(indexes::contains).count();
    return new State(newPacks, packsGone, newIndexes, templateIndexes.size() - oldLeft, oldLeft);
  }

  /**
   * Both checkers accept the killed prune's repository, both snapshots restore with both tools,
   * then a second prune completes and leaves a clean, smaller repository.
   */
  private static void verifyAndFinish(Path repo, String name) throws Exception {
    Cli.Result check = CLI.run("check", "--read-data", "--repo", repo.toString());
    assertThat(check.exitCode()).as(check.toString()).isZero();
    assertThat(check.stdout()).contains("no errors were found");
    Restic restic = restic(repo);
    restic.run("unlock");
    restic.run("check", "--read-data");
    restoreBoth(repo, restic, name + "-killed");

    Cli.Result second = CLI.run("prune", "--repo", repo.toString(), "--max-unused", "0",
        "--json").assertOk();
    JsonNode r = JSON.readTree(second.stdout());
    log("second prune after '%s': %s", name, second.stdout().strip());
    assertThat(TestFiles.tempFiles(repo)).as("temp files removed").isEmpty();
    assertThat(TestFiles.repoFiles(repo, "locks")).isEmpty();
    long bytes = packBytes(repo);
    assertThat(r.get("bytes_after").asLong()).isEqualTo(bytes);
    assertThat(bytes).as("smaller than before any prune").isLessThan(templatePackBytes);
    Cli.Result clean = CLI.run("check", "--repo", repo.toString()).assertOk();
    assertThat(clean.stdout()).contains("no errors were found").doesNotContain("hint:");
    JsonNode third = JSON.readTree(CLI.run("prune", "--repo", repo.toString(), "--max-unused",
        "0", "--json").assertOk().stdout());
    assertThat(third.get("packs_deleted").asLong() + third.get("packs_repacked").asLong()
        + third.get("packs_unindexed").asLong() + third.get("index_files_replaced").asLong())
        .as("a third prune finds nothing to do: %s", third).isZero();
    restic.run("check", "--read-data");
    log("after '%s': %.1f MiB of packs (template %.1f MiB)", name, bytes / 1048576.0,
        templatePackBytes / 1048576.0);
    Path b = dir.resolve("restore/" + name + "-final");
    CLI.run("restore", KEPT.get(1), "--repo", repo.toString(), "--target", b.toString())
        .assertOk();
    assertThat(TestFiles.restoredHashes(b)).isEqualTo(HASHES.get(1));
    deleteTree(b);
  }

  private static void restoreBoth(Path repo, Restic restic, String name) throws IOException {
    for (int i = 0; i < KEPT.size(); i++) {
      Path b = dir.resolve("restore/" + name + "-bulwark-" + i);
      CLI.run("restore", KEPT.get(i), "--repo", repo.toString(), "--target", b.toString())
          .assertOk();
      assertThat(TestFiles.restoredHashes(b)).as("bulwark restore %d", i)
          .isEqualTo(HASHES.get(i));
      deleteTree(b);
      Path r = dir.resolve("restore/" + name + "-restic-" + i);
      restic.run("restore", KEPT.get(i), "--target", r.toString());
      assertThat(TestFiles.restoredHashes(r)).as("restic restore %d", i)
          .isEqualTo(HASHES.get(i));
      deleteTree(r);
    }
  }

  private static Restic restic(Path repo) {
    return Restic.forRepo(repo, dir.resolve("restic-cache-" + repo.getFileName()));
  }

  private static Path copyTemplate(String name) throws IOException {
    Path target = dir.resolve("repo-" + name);
    try (Stream<Path> s = Files.walk(template)) {
      for (Path p : s.toList()) {
        Files.copy(p, target.resolve(template.relativize(p).toString()),
            StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
    return target;
  }

  /**
   * Names of the id-named files under {@code folder} ({@code depth} 2 for {@code data/xx/}),
   * read without stat calls, so files the prune deletes meanwhile do not fail the listing.
   */
  private static Set<String> liveNames(Path folder, int depth) throws IOException {
    Set<String> out = new java.util.HashSet<>();
    try (var entries = Files.newDirectoryStream(folder)) {
      for (Path e : entries) {
        String n = e.getFileName().toString();
        if (depth > 1 && n.length() == 2) {
          out.addAll(liveNames(e, depth - 1));
        } else if (n.matches("[0-9a-f]{64}")) {
          out.add(n);
        }
      }
    } catch (java.nio.file.NoSuchFileException e) {
      // a folder removed meanwhile holds nothing
    }
    return out;
  }

  private static long packBytes(Path repo) throws IOException {
    long n = 0;
    for (Path p : TestFiles.repoFiles(repo, "data")) {
      n += Files.size(p);
    }
    return n;
  }

  private static long newCount(List<Path> files, Set<String> before) {
    return files.stream().filter(f -> !before.contains(TestFiles.name(f))).count();
  }

  private static Set<String> names(List<Path> files) {
    return files.stream().map(TestFiles::name).collect(Collectors.toSet());
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static void log(String format, Object... args) {
    System.out.println("PruneCrashTest: " + String.format(format, args));
  }
}
