package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.TestFiles;
import dev.bulwark.core.testing.Slow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real backup and restore under {@code --limit-upload} / {@code --limit-download}: neither is
 * faster than the limit allows (the pack bytes, less one burst), both complete, and the restore
 * is byte-identical. Only the lower bound is tight: a loaded machine only makes it slower.
 */
@Slow
class RateLimitRateTest {
  private static final long KIB_PER_SECOND = 512;
  /** {@code TokenBucket}'s burst at this rate: one 64 KiB slice, or a quarter second. */
  private static final long BURST_BYTES = Math.max(64 * 1024, KIB_PER_SECOND * 1024 / 4);
  private static final long FILE_BYTES = 3L << 20;

  @TempDir Path dir;

  @Test
  void backupAndRestoreKeepToTheirLimits() throws Exception {
    Cli cli = Cli.withPassword().inProcess();
    Path repo = dir.resolve("repo");
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    // Random: compression cannot make the packs smaller than the file.
    Path file = TestFiles.writeRandom(dir.resolve("data.bin"), FILE_BYTES, 7);

    long t0 = System.nanoTime();
    cli.run("backup", "--repo", repo.toString(), "--limit-upload",
        String.valueOf(KIB_PER_SECOND), file.toString()).assertOk();
    double backupSeconds = (System.nanoTime() - t0) / 1e9;
    long packBytes = packBytes(repo);
    assertThat(packBytes).isGreaterThanOrEqualTo(FILE_BYTES);
    assertThat(backupSeconds).as("backup of %d pack bytes", packBytes)
        .isGreaterThanOrEqualTo(fastest(packBytes))
        .isLessThan(fastest(packBytes) * 4 + 60);

    Path target = dir.resolve("out");
    t0 = System.nanoTime();
    cli.run("restore", "latest", "--repo", repo.toString(), "--target", target.toString(),
        "--limit-download", String.valueOf(KIB_PER_SECOND)).assertOk();
    double restoreSeconds = (System.nanoTime() - t0) / 1e9;
    // A restore reads every blob of the file: at least the file's bytes.
    assertThat(restoreSeconds).as("restore of %d bytes", FILE_BYTES)
        .isGreaterThanOrEqualTo(fastest(FILE_BYTES))
        .isLessThan(fastest(FILE_BYTES) * 4 + 60);
    assertThat(TestFiles.sha256(target.resolve(file.toString().substring(1))))
        .isEqualTo(TestFiles.sha256(file));
  }

  private static double fastest(long bytes) {
    return (double) (bytes - BURST_BYTES) / (KIB_PER_SECOND * 1024) * 0.98;
  }

  private static long packBytes(Path repo) throws Exception {
    long total = 0;
    List<Path> packs = TestFiles.repoFiles(repo, "data");
    for (Path p : packs) {
      total += Files.size(p);
    }
    return total;
  }
}
