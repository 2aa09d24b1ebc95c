package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.RepositoryPacks;
import dev.bulwark.cli.testing.Restic;
import dev.bulwark.cli.testing.TestFiles;
import dev.bulwark.core.BlobType;
import dev.bulwark.core.Id;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.testing.Slow;
import dev.bulwark.core.testing.TestRepositories;
import dev.bulwark.core.tree.Tree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, test 3: {@code kill -9} of a {@code bulwark backup} at ten random instants, each
 * into a fresh repository. A backup writes an index checkpoint every {@value #EVERY} packs, so
 * a kill loses at most one batch: the killed run and the run after it together upload at most
 * one batch more than one clean run (counted in pack files), every pack a checkpoint named is
 * reused, restic's {@code check --read-data} accepts the killed run's repository, and the
 * resumed snapshot has the clean run's tree.
 *
 * <p>A batch is the {@value #EVERY} packs of a checkpoint plus those stored meanwhile on the
 * other upload thread ({@link LocalBackend} uses two), which the next checkpoint would name.
 */
@Slow
class BackupKillResumeTest {
  private static final int EVERY = 4;
  private static final int BATCH = EVERY + 1;
  private static final long FILE_BYTES = 32L << 20;
  private static final int KILLS = 10;

  @TempDir Path dir;
  private final Cli cli = Cli.withPassword().inProcess();

  @Test
  void aBackupKilledAtTenRandomInstantsUploadsAtMostOneBatchAgain() throws Exception {
    Path src = Files.createDirectories(dir.resolve("data/src"));
    TestFiles.writeRandom(src.resolve("db.bin"), FILE_BYTES, 13);
    TestFiles.hashes(src);
    Path clean = init("clean");
    long t0 = System.nanoTime();
    Process first = start(clean, "clean");
    long firstPackMs = RepositoryPacks.await(clean, first, t0, 1);
    assertThat(first.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(first.exitValue()).isZero();
    long uploadMs = Math.max(1, (System.nanoTime() - t0) / 1_000_000 - firstPackMs);
    int cleanPacks = RepositoryPacks.count(clean);
    Id cleanTree = treeOf(clean, src);
    assertThat(cleanPacks).as("enough packs for several checkpoints").isGreaterThan(6 * EVERY);

    long seed = Long.getLong("bulwark.test.seed", System.nanoTime());
    SplittableRandom random = new SplittableRandom(seed);
    System.out.printf("seed %d (-Dbulwark.test.seed=%d); clean run: %d packs, first after %d "
        + "ms, then %d ms%n", seed, seed, cleanPacks, firstPackMs, uploadMs);
    int resumedFromACheckpoint = 0;
    for (int kill = 0; kill < KILLS; kill++) {
      Path repo = init("kill-" + kill);
      long start = System.nanoTime();
      Process p = start(repo, "kill-" + kill);
      // The first kill lands within the clean run's start-up time (before or after its first
      // pack, as this run's start-up goes), the others while packs are stored.
      long delayMs;
      if (kill == 0) {
        delayMs = random.nextLong(firstPackMs + 1);
      } else {
        RepositoryPacks.await(repo, p, start, 1);
        delayMs = random.nextLong(uploadMs * 9 / 10 + 1);
      }
      p.waitFor(delayMs, TimeUnit.MILLISECONDS);
      p.destroyForcibly();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      int killedPacks = RepositoryPacks.count(repo);
      Set<Id> indexed = RepositoryPacks.indexed(repo);
      String at = String.format("kill %d after %d ms (seed %d): %d packs stored, %d indexed",
          kill, (System.nanoTime() - start) / 1_000_000, seed, killedPacks, indexed.size());
      System.out.println(at);
      assertThat(killedPacks - indexed.size()).as("stored but not indexed; " + at)
          .isBetween(0, BATCH);
      Restic restic = Restic.forRepo(repo, dir.resolve("restic-cache"));
      restic.run("unlock");
      restic.run("check", "--read-data");

      cli.run("backup", "--repo", repo.toString(), "--pack-size", "1M", "--checkpoint-every",
          String.valueOf(EVERY), src.toString()).assertOk();
      int resumedPacks = RepositoryPacks.count(repo) - killedPacks;
      assertThat(killedPacks + resumedPacks).as("uploaded by both runs; " + at)
          .isLessThanOrEqualTo(cleanPacks + BATCH);
      assertThat(RepositoryPacks.indexed(repo)).as("every checkpointed pack reused; " + at)
          .containsAll(indexed);
      assertThat(resumedPacks).as("the resumed run uploads what no checkpoint named; " + at)
          .isLessThanOrEqualTo(cleanPacks - indexed.size() + BATCH);
      assertThat(treeOf(repo, src)).as(at).isEqualTo(cleanTree);
      if (!indexed.isEmpty() && p.exitValue() != 0) {
        resumedFromACheckpoint++;
      }
    }
    assertThat(resumedFromACheckpoint).as("kills that left checkpoints to resume from")
        .isPositive();
  }

  private Path init(String name) throws Exception {
    Path repo = Files.createDirectories(dir.resolve("repos")).resolve(name);
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    return repo;
  }

  private Process start(Path repo, String name) throws Exception {
    return Cli.withPassword().start(dir.resolve(name + ".out"), dir.resolve(name + ".err"),
        "backup", "--repo", repo.toString(), "--pack-size", "1M", "--checkpoint-every",
        String.valueOf(EVERY), dir.resolve("data/src").toString());
  }

  /**
   * The tree of folder {@code path} in the repository's newest snapshot (a run killed after
   * saving its snapshot leaves two).
   */
  private static Id treeOf(Path repo, Path path) throws Exception {
    try (Repository r = Repository.open(LocalBackend.open(repo), TestRepositories.PASSWORD)) {
      assertThat(r.snapshots()).isNotEmpty();
      Id t = r.snapshots().stream().max(java.util.Comparator.comparing(
          dev.bulwark.core.repo.Snapshot::time)).orElseThrow().tree();
      for (Path part : path) {
        Id next = null;
        for (var n : Tree.parse(r.loadBlob(BlobType.TREE, t)).nodes()) {
          if (n.name().is(part.toString())) {
            next = n.subtree();
          }
        }
        assertThat(next).as("%s in the snapshot", part).isNotNull();
        t = next;
      }
      return t;
    }
  }
}
