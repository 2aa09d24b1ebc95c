package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.Manifest;
import dev.bulwark.cli.testing.SampleTree;
import dev.bulwark.cli.testing.TestFiles;
import dev.bulwark.core.testing.Slow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's promise: a 2 GiB file backs up and restores with a 128 MiB heap, because content
 * streams through a bounded pipeline. Any OutOfMemoryError ends the child JVM at once, so an
 * error swallowed and retried inside cannot hide a leak.
 */
@Slow
class LargeFileMemoryTest {
  private static final long SIZE = 2L << 30;
  private static final String[] SMALL_HEAP = {"-Xmx128m", "-XX:+ExitOnOutOfMemoryError"};

  @TempDir Path dir;

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void twoGibibytesBackUpAndRestoreWithA128MibHeap() throws Exception {
    Cli small = Cli.withPassword().jvm(SMALL_HEAP);
    Path repo = dir.resolve("repo");
    Path src = Files.createDirectories(dir.resolve("src"));
    Path big = src.resolve("big.bin");

    long t0 = System.nanoTime();
    String hash = SampleTree.writeRandom(big, SIZE, 0xB16F11EL);
    long t1 = System.nanoTime();
    small.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    Cli.Result backup = small.run("backup", "--repo", repo.toString(), src.toString());
    long t2 = System.nanoTime();
    backup.assertOk();
    assertThat(backup.stdout()).contains("1 files");
    Files.delete(big);

    Cli.Result check = small.run("check", "--repo", repo.toString()).assertOk();
    assertThat(check.stdout()).contains("no errors were found");
    long t3 = System.nanoTime();

    Path target = dir.resolve("out");
    small.run("restore", "latest", "--repo", repo.toString(), "--target", target.toString())
        .assertOk();
    long t4 = System.nanoTime();
    Path restored = Manifest.restored(target, big);
    assertThat(Files.size(restored)).isEqualTo(SIZE);
    assertThat(TestFiles.sha256(restored)).as("SHA-256 of the restored file").isEqualTo(hash);
    long t5 = System.nanoTime();
    Files.delete(restored);

    System.out.printf("LargeFileMemoryTest: %d bytes, heap -Xmx128m; generate+hash %.1f s, "
        + "init+backup %.1f s, check %.1f s, restore %.1f s, hash restored %.1f s; "
        + "total %.1f s%n", SIZE, s(t1 - t0), s(t2 - t1), s(t3 - t2), s(t4 - t3), s(t5 - t4),
        s(t5 - t0));
  }

  private static double s(long nanos) {
    return nanos / 1e9;
  }
}
