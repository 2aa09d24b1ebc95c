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
 * Heap grows little with the number of chunks: a 1 GiB database of random and repetitive pages
 * at 4 KiB chunks (262,144 content ids, 40% of a 10 GiB database at 16 KiB chunks) backs up,
 * checks every byte and restores identical in a 128 MiB heap with the launcher's collector.
 * Before content lists, claims and the index were made compact it took over 300 bytes of heap
 * a chunk. Any OutOfMemoryError ends the child JVM at once, so none can be caught and hidden.
 */
@Slow
class FlatMemoryTest {
  private static final long SIZE = 1L << 30;
  private static final String[] SMALL_HEAP = {
      "-XX:+UseParallelGC", "-Xmx128m", "-XX:+ExitOnOutOfMemoryError"};

  @TempDir Path dir;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void manySmallChunksBackUpCheckAndRestoreInA128MibHeap() throws Exception {
    Cli small = Cli.withPassword().jvm(SMALL_HEAP);
    Path repo = dir.resolve("repo");
    Path src = Files.createDirectories(dir.resolve("src"));
    Path db = src.resolve("pages.db");
    SampleTree.writeMixed(db, SIZE, 0xF1A7L);
    String hash = TestFiles.sha256(db);

    long t0 = System.nanoTime();
    small.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    Cli.Result backup = small.run("backup", "--repo", repo.toString(), "--chunk-size", "4K",
        src.toString()).assertOk();
    assertThat(backup.stdout()).contains("1 files");
    Files.delete(db);
    long t1 = System.nanoTime();

    Cli.Result check = small.run("check", "--read-data", "--repo", repo.toString()).assertOk();
    assertThat(check.stdout()).contains("no errors were found");
    long t2 = System.nanoTime();

    Path target = dir.resolve("out");
    small.run("restore", "latest", "--repo", repo.toString(), "--target", target.toString())
        .assertOk();
    long t3 = System.nanoTime();
    Path restored = Manifest.restored(target, db);
    assertThat(Files.size(restored)).isEqualTo(SIZE);
    assertThat(TestFiles.sha256(restored)).as("SHA-256 of the restored file").isEqualTo(hash);
    Files.delete(restored);

    System.out.printf("FlatMemoryTest: %d bytes at 4 KiB chunks, -Xmx128m; init+backup %.1f s, "
        + "check --read-data %.1f s, restore %.1f s%n", SIZE, (t1 - t0) / 1e9, (t2 - t1) / 1e9,
        (t3 - t2) / 1e9);
  }
}
