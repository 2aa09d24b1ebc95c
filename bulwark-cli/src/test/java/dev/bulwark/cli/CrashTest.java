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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a running {@code bulwark backup} at several points, all into one
 * repository: after each kill, {@code bulwark check} and {@code restic check --read-data}
 * accept the repository and the two snapshots made before restore byte-identical with both
 * tools; finally a new backup succeeds.
 *
 * <p>The kill points are found by watching the repository, not by timing: as soon as the
 * backup's lock appears, its first pack, its 20th pack, and its first index file. With 4 KiB
 * chunks a 300 MiB file is 76,800 blobs, so an index is flushed at 50,000 blobs (BlobSaver's
 * threshold), i.e. at about 65%: that kill lands after an index but before the snapshot. The
 * checkpoint interval is set past the backup's 75 packs so that this threshold, not the
 * interval, writes that index (kills between checkpoints: {@code BackupKillResumeTest}).
 *
 * <p>The tests run in order and share the repository: each kill adds debris (unindexed
 * packs, a stale lock, perhaps temp files) to what the earlier kills left.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Slow
class CrashTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long BIG_BYTES = 300L << 20;
  private static final List<String> BIG_OPTIONS =
      List.of("--chunk-size", "4K", "--pack-size", "4M", "--checkpoint-every", "1000");
  private static final Duration POINT_TIMEOUT = Duration.ofMinutes(2);

  @TempDir static Path dir;

  private static final Cli CLI = Cli.withPassword();
  /** For commands on little data: a quicker-starting JVM (C1 only, serial GC). */
  private static final Cli SMALL = CLI.jvm("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
  private static Path repo;
  private static Restic restic;
  private static Path bigDir;
  private static String bigHash;
  private static final List<String> SNAPSHOTS = new ArrayList<>();
  private static final List<Map<String, String>> HASHES = new ArrayList<>();

  /** What a backup had written when it was killed. */
  private record State(int newPacks, long newPackBytes, int newIndexes, int locks,
      int snapshots) {
    @Override
    public String toString() {
      return String.format("%d new packs (%.1f MiB, %.0f%% of the source), %d new index "
          + "files, %d lock(s), %d snapshots", newPacks, newPackBytes / 1048576.0,
          100.0 * newPackBytes / BIG_BYTES, newIndexes, locks, snapshots);
    }
  }

  @BeforeAll
  static void twoSnapshotsAndABigSource() throws Exception {
    repo = dir.resolve("repo");
    restic = Restic.forRepo(repo, dir.resolve("restic-cache"));
    bigDir = Files.createDirectories(dir.resolve("big"));
    long t0 = System.nanoTime();
    bigHash = TestFiles.sha256(TestFiles.writeRandom(bigDir.resolve("big.bin"), BIG_BYTES, 42));
    log("generated %d MiB in %.1f s", BIG_BYTES >> 20, (System.nanoTime() - t0) / 1e9);

    bulwark(SMALL, "init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    Path base = dir.resolve("base");
    Files.createDirectories(base.resolve("sub/deeper"));
    TestFiles.writeRandom(base.resolve("a.bin"), 2 << 20, 1);
    Files.writeString(base.resolve("notes.txt"), "first version\n");
    TestFiles.writeRandom(base.resolve("sub/b.bin"), 300_000, 2);
    Files.createFile(base.resolve("sub/empty"));
    Files.writeString(base.resolve("sub/deeper/c.txt"), "deep\n");
    SNAPSHOTS.add(backup(base));
    HASHES.add(TestFiles.hashes(base));

    TestFiles.writeRandom(base.resolve("a.bin"), (2 << 20) + 123, 3);
    Files.delete(base.resolve("notes.txt"));
    Files.writeString(base.resolve("sub/new.txt"), "second version\n");
    SNAPSHOTS.add(backup(base));
    HASHES.add(TestFiles.hashes(base));
    assertThat(HASHES.get(0)).isNotEqualTo(HASHES.get(1));
    assertThat(HASHES.get(1)).hasSize(5);
  }

  @Test
  @Order(1)
  void killedRightAfterTakingItsLock() throws Exception {
    State s = killBackupWhen("lock", st -> st.locks() >= 1);
    assertThat(s.newPacks()).as("killed before any content was stored").isZero();
    assertThat(s.newIndexes()).isZero();
    verifyRepository("lock", false);
  }

  @Test
  @Order(2)
  void killedRightAfterItsFirstPack() throws Exception {
    State s = killBackupWhen("first pack", st -> st.newPacks() >= 1);
    assertThat(s.newPacks()).isPositive();
    assertThat(s.newIndexes()).isZero();
    verifyRepository("first pack", true);
  }

  @Test
  @Order(3)
  void killedAfterTwentyPacks() throws Exception {
    State s = killBackupWhen("20 packs", st -> st.newPacks() >= 20);
    assertThat(s.newPacks()).isGreaterThanOrEqualTo(20);
    assertThat(s.newIndexes()).isZero();
    verifyRepository("20 packs", true);
  }

  @Test
  @Order(4)
  void killedRightAfterItsFirstIndexFile() throws Exception {
    State s = killBackupWhen("first index", st -> st.newIndexes() >= 1);
    assertThat(s.newIndexes()).isPositive();
    verifyRepository("first index", true);
  }

  @Test
  @Order(5)
  void aBackupAfterTheCrashesSucceedsAndRestores() throws Exception {
    List<String> args = new ArrayList<>(List.of("backup", "--repo", repo.toString(), "--json"));
    args.addAll(BIG_OPTIONS);
    args.add(bigDir.toString());
    Cli.Result r = bulwark(args.toArray(String[]::new)).assertOk();
    JsonNode res = JSON.readTree(r.stdout());
    String id = res.get("snapshot_id").asText();
    log("final backup: snapshot %s, %d new blobs of %d, %.1f MiB added, %.1f s", id.substring(0, 8),
        res.get("new_blobs").asLong(), BIG_BYTES / 4096, res.get("bytes_added").asLong()
        / 1048576.0, res.get("seconds").asDouble());
    assertThat(TestFiles.repoFiles(repo, "snapshots")).hasSize(3);
    assertThat(TestFiles.repoFiles(repo, "locks")).as("its lock is released").isEmpty();

    Cli.Result check = bulwark("check", "--read-data", "--repo", repo.toString());
    assertThat(check.exitCode()).as(check.toString()).isZero();
    assertThat(check.stdout()).contains("no errors were found");
    restic("check", "--read-data");

    Path out = dir.resolve("final-bulwark");
    bulwark("restore", id, "--repo", repo.toString(), "--target", out.toString()).assertOk();
    assertThat(TestFiles.restoredHashes(out))
        .containsExactlyEntriesOf(Map.of(bigDir.resolve("big.bin").toString(), bigHash));
    deleteTree(out);
    Path outRestic = dir.resolve("final-restic");
    restic("restore", id, "--target", outRestic.toString());
    assertThat(TestFiles.restoredHashes(outRestic))
        .containsExactlyEntriesOf(Map.of(bigDir.resolve("big.bin").toString(), bigHash));
    deleteTree(outRestic);
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Starts a backup of the big source, watches the repository until {@code point} holds, then
   * kills the process with SIGKILL; asserts it was killed mid-way.
   */
  private static State killBackupWhen(String name, Predicate<State> point) throws Exception {
    Set<String> packsBefore = names(TestFiles.repoFiles(repo, "data"));
    Set<String> indexesBefore = names(TestFiles.repoFiles(repo, "index"));
    Set<String> snapshotsBefore = names(TestFiles.repoFiles(repo, "snapshots"));
    assertThat(TestFiles.repoFiles(repo, "locks")).as("no lock before the backup").isEmpty();
    Path out = dir.resolve("backup-" + name.replace(' ', '-') + ".out");
    Path err = dir.resolve("backup-" + name.replace(' ', '-') + ".err");
    List<String> args = new ArrayList<>(List.of("backup", "--repo", repo.toString()));
    args.addAll(BIG_OPTIONS);
    args.add(bigDir.toString());
    long t0 = System.nanoTime();
    Process p = CLI.start(out, err, args.toArray(String[]::new));
    State seen;
    while (true) {
      seen = state(packsBefore, indexesBefore);
      if (point.test(seen)) {
        break;
      }
      if (!p.isAlive()) {
        throw new AssertionError("backup ended (exit " + p.exitValue() + ") before the kill "
            + "point '" + name + "'; it had written " + seen + "\nstderr:\n"
            + Files.readString(err));
      }
      if (System.nanoTime() - t0 > POINT_TIMEOUT.toNanos()) {
        p.destroyForcibly();
        throw new AssertionError("kill point '" + name + "' not reached; " + seen);
      }
      Thread.sleep(1);
    }
    boolean aliveAtKill = p.isAlive();
    long killedAfterMs = (System.nanoTime() - t0) / 1_000_000;
    p.destroyForcibly(); // SIGKILL
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    State after = state(packsBefore, indexesBefore);
    List<Path> temps = TestFiles.tempFiles(repo);
    log("kill point '%s': killed PID %d after %d ms; exit %d; at the kill: %s; after: %s; "
        + "%d temp file(s) left: %s", name, p.pid(), killedAfterMs, p.exitValue(), seen, after,
        temps.size(), temps.stream().map(t -> repo.relativize(t).toString()).toList());

    assertThat(aliveAtKill).as("still running when the kill point was seen").isTrue();
    assertThat(p.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
    assertThat(names(TestFiles.repoFiles(repo, "snapshots")))
        .as("no snapshot from the killed backup").isEqualTo(snapshotsBefore);
    assertThat(after.newPackBytes()).as("killed before all content was stored")
        .isLessThan(BIG_BYTES);
    assertThat(Files.readString(out)).doesNotContain("saved");
    return after;
  }

  private static State state(Set<String> packsBefore, Set<String> indexesBefore)
      throws IOException {
    int packs = 0;
    long bytes = 0;
    for (Path p : TestFiles.repoFiles(repo, "data")) {
      if (!packsBefore.contains(TestFiles.name(p))) {
        packs++;
        try {
          bytes += Files.size(p);
        } catch (java.nio.file.NoSuchFileException e) {
          // cannot happen (nothing deletes packs here), but a listing race must not fail
        }
      }
    }
    int indexes = 0;
    for (Path p : TestFiles.repoFiles(repo, "index")) {
      if (!indexesBefore.contains(TestFiles.name(p))) {
        indexes++;
      }
    }
    return new State(packs, bytes, indexes, TestFiles.repoFiles(repo, "locks").size(),
        TestFiles.repoFiles(repo, "snapshots").size());
  }

  /** Both checkers accept the repository; both earlier snapshots restore with both tools. */
  private static void verifyRepository(String point, boolean unindexedPacks) throws Exception {
    List<Path> locks = TestFiles.repoFiles(repo, "locks");
    assertThat(locks).as("the killed backup's lock is left behind").hasSize(1);
    String lockId = TestFiles.name(locks.get(0));
    // restic reads the lock too: this host, the killed PID.
    JsonNode lock = JSON.readTree(restic("--no-lock", "cat", "lock", lockId));
    long pid = lock.get("pid").asLong();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(lock.get("exclusive").asBoolean()).isFalse();

    // The stale lock (this host, dead PID) does not block bulwark's exclusive check lock.
    Cli.Result check = bulwark(SMALL, "check", "--repo", repo.toString());
    assertThat(check.exitCode()).as(check.toString()).isZero();
    assertThat(check.stdout()).contains("no errors were found");
    assertThat(check.stderr()).contains("ignoring stale lock " + lockId.substring(0, 8))
        .contains("PID " + pid);
    if (unindexedPacks) {
      assertThat(check.stdout()).contains("is not referenced in any index");
    } else {
      assertThat(check.stdout()).doesNotContain("not referenced");
    }
    Cli.Result readData = bulwark("check", "--read-data", "--repo", repo.toString());
    assertThat(readData.exitCode()).as(readData.toString()).isZero();
    assertThat(readData.stdout()).contains("no errors were found");
    assertThat(TestFiles.repoFiles(repo, "locks")).as("check leaves others' locks alone")
        .extracting(TestFiles::name).containsExactly(lockId);

    // restic 0.14's check fails on any lock, even a stale one: `restic unlock` removes stale
    // locks (same host, dead PID), so it removing ours also shows restic agrees it is stale.
    // (--no-lock would skip that check of our lock's content.)
    restic("unlock");
    assertThat(TestFiles.repoFiles(repo, "locks")).as("restic unlock removed it").isEmpty();
    restic("check", "--read-data");

    verifyEarlierSnapshotsRestore(point);
  }

  private static void verifyEarlierSnapshotsRestore(String point) throws IOException {
    for (int i = 0; i < SNAPSHOTS.size(); i++) {
      String id = SNAPSHOTS.get(i);
      Path b = dir.resolve("restore/" + point.replace(' ', '-') + "/bulwark-" + i);
      bulwark(SMALL, "restore", id, "--repo", repo.toString(), "--target", b.toString())
          .assertOk();
      assertThat(TestFiles.restoredHashes(b)).as("bulwark restore of snapshot %d", i + 1)
          .isEqualTo(HASHES.get(i));
      Path r = dir.resolve("restore/" + point.replace(' ', '-') + "/restic-" + i);
      restic("restore", id, "--target", r.toString());
      assertThat(TestFiles.restoredHashes(r)).as("restic restore of snapshot %d", i + 1)
          .isEqualTo(HASHES.get(i));
    }
  }

  /** Runs bulwark and logs how long it took. */
  private static Cli.Result bulwark(String... args) {
    return bulwark(CLI, args);
  }

  /** Runs bulwark with {@code cli} and logs how long it took. */
  private static Cli.Result bulwark(Cli cli, String... args) {
    long t0 = System.nanoTime();
    Cli.Result r = cli.run(args);
    log("  %.1f s: bulwark %s", (System.nanoTime() - t0) / 1e9, args[0]
        + (args.length > 1 && args[1].startsWith("--read") ? " " + args[1] : ""));
    return r;
  }

  /** Runs restic and logs how long it took. */
  private static String restic(String... args) {
    long t0 = System.nanoTime();
    String out = restic.run(args);
    log("  %.1f s: restic %s", (System.nanoTime() - t0) / 1e9, String.join(" ",
        List.of(args).subList(0, Math.min(2, args.length))));
    return out;
  }

  private static String backup(Path path) throws IOException {
    Cli.Result r = bulwark(SMALL, "backup", "--repo", repo.toString(), "--json", path.toString())
        .assertOk();
    return JSON.readTree(r.stdout()).get("snapshot_id").asText();
  }

  private static Set<String> names(List<Path> files) {
    return files.stream().map(TestFiles::name).collect(Collectors.toSet());
  }

  private static void deleteTree(Path root) throws IOException {
    try (var s = Files.walk(root)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static void log(String format, Object... args) {
    System.out.println("CrashTest: " + String.format(format, args));
  }
}
