package dev.bulwark.cli.copy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.RepositoryPacks;
import dev.bulwark.cli.testing.Restic;
import dev.bulwark.cli.testing.TestFiles;
import dev.bulwark.core.Id;
import dev.bulwark.core.testing.Slow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, test 3: {@code kill -9} of a {@code bulwark copy} (a real process) of a 32 MiB
 * snapshot at random instants (the first anywhere in the run, the others after a random number
 * of packs), each into a fresh target. The copy writes an index checkpoint
 * every {@value #EVERY} packs, so restic's {@code check --read-data} accepts the killed
 * target, and the run after it completes reusing every pack a checkpoint indexed: both runs
 * together upload at most one batch more than a clean copy, the target holds the snapshot once,
 * restic still finds no error and restores the file identical.
 */
@Slow
class CopyKillResumeTest {
  private static final int EVERY = 4;
  /** The packs of a checkpoint plus one stored meanwhile on the other upload thread. */
  private static final int BATCH = EVERY + 1;
  private static final int KILLS = 3;

  @TempDir Path dir;
  private final Cli cli = Cli.withPassword(Map.of("BULWARK_FROM_PASSWORD", Cli.PASSWORD));
  private Path source;

  @Test
  void aCopyKilledAtRandomInstantsResumesWithoutDuplicates() throws Exception {
    Path src = Files.createDirectories(dir.resolve("data"));
    Path file = TestFiles.writeRandom(src.resolve("db.bin"), 32L << 20, 17);
    String hash = TestFiles.sha256(file);
    source = dir.resolve("source");
    Cli here = Cli.withPassword().inProcess();
    here.run("init", "--repo", source.toString(), "--kdf-n", "1024").assertOk();
    here.run("backup", "--repo", source.toString(), "--pack-size", "1M", src.toString())
        .assertOk();

    Path clean = init("clean");
    long t0 = System.nanoTime();
    Process first = start(clean, "clean");
    long firstPackMs = RepositoryPacks.await(clean, first, t0, 1);
    assertThat(first.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(first.exitValue()).as(Files.readString(dir.resolve("clean.err"))).isZero();
    long uploadMs = Math.max(1, (System.nanoTime() - t0) / 1_000_000 - firstPackMs);
    int cleanPacks = RepositoryPacks.count(clean);
    assertThat(cleanPacks).as("enough packs for several checkpoints").isGreaterThan(4 * EVERY);

    long seed = Long.getLong("bulwark.test.seed", System.nanoTime());
    SplittableRandom random = new SplittableRandom(seed);
    System.out.printf("seed %d (-Dbulwark.test.seed=%d); clean copy: %d packs, first after %d "
        + "ms, then %d ms%n", seed, seed, cleanPacks, firstPackMs, uploadMs);
    int resumedFromACheckpoint = 0;
    for (int kill = 0; kill < KILLS; kill++) {
      Path target = init("kill-" + kill);
      long start = System.nanoTime();
      Process p = start(target, "kill-" + kill);
      if (kill == 0) {
        // Anywhere in the first run's time, start-up included.
        p.waitFor(random.nextLong(firstPackMs + uploadMs), TimeUnit.MILLISECONDS);
      } else {
        // While packs are stored: after a random number of them, so that a fast machine
        // still kills mid-copy, with checkpoints behind it.
        RepositoryPacks.await(target, p, start, random.nextInt(EVERY + 1, cleanPacks - 1));
      }
      p.destroyForcibly();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      int killedPacks = RepositoryPacks.count(target);
      Set<Id> indexed = RepositoryPacks.indexed(target);
      String at = String.format("kill %d after %d ms (seed %d): %d packs stored, %d indexed",
          kill, (System.nanoTime() - start) / 1_000_000, seed, killedPacks, indexed.size());
      System.out.println(at);
      assertThat(killedPacks - indexed.size()).as("stored but not indexed; " + at)
          .isBetween(0, BATCH);
      Restic restic = Restic.forRepo(target, dir.resolve("restic-cache"));
      restic.run("unlock");
      restic.run("check", "--read-data");

      Cli.Result resumed = cli.run("copy", "--from-repo", source.toString(), "--repo",
          target.toString(), "--pack-size", "1M", "--checkpoint-every", String.valueOf(EVERY))
          .assertOk();
      assertThat(resumed.stdout()).as(at).containsAnyOf("1 snapshot copied, 0 already present",
          "0 snapshots copied, 1 already present");
      assertThat(TestFiles.repoFiles(target, "snapshots")).as(at).hasSize(1);
      assertThat(RepositoryPacks.count(target)).as("uploaded by both runs; " + at)
          .isLessThanOrEqualTo(cleanPacks + BATCH);
      assertThat(RepositoryPacks.indexed(target)).as("every checkpointed pack reused; " + at)
          .containsAll(indexed);
      Restic.Outcome check = restic.runMerged("check", "--read-data");
      assertThat(check.exitCode()).as("%s:%n%s", at, check.output()).isZero();
      Path out = dir.resolve("restored-" + kill);
      restic.run("restore", "latest", "--target", out.toString());
      assertThat(TestFiles.sha256(out.resolve(file.toString().substring(1)))).as(at)
          .isEqualTo(hash);
      if (!indexed.isEmpty() && p.exitValue() != 0) {
        resumedFromACheckpoint++;
      }
    }
    assertThat(resumedFromACheckpoint).as("kills that left checkpoints to resume from")
        .isPositive();
  }

  private Path init(String name) throws Exception {
    Path repo = Files.createDirectories(dir.resolve("targets")).resolve(name);
    Cli.withPassword().inProcess().run("init", "--repo", repo.toString(), "--kdf-n", "1024")
        .assertOk();
    return repo;
  }

  private Process start(Path target, String name) throws Exception {
    return cli.start(dir.resolve(name + ".out"), dir.resolve(name + ".err"), "copy",
        "--from-repo", source.toString(), "--repo", target.toString(), "--pack-size", "1M",
        "--checkpoint-every", String.valueOf(EVERY));
  }
}
