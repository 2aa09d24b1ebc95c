package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.Manifest;
import dev.bulwark.cli.testing.Restic;
import dev.bulwark.cli.testing.SampleTree;
import dev.bulwark.cli.testing.TestFiles;
import dev.bulwark.core.testing.Slow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file whose tree blob is large enough to be streamed at the default threshold (512 MiB at
 * 4 KiB chunks: 131,072 content ids, about 9 MiB of tree JSON) backs up, checks every byte and
 * restores identical in a 64 MiB heap, where the tree held in memory and two 16 MiB packs ran
 * out before; and the real restic checks every byte of it and restores it identical. Any
 * OutOfMemoryError ends the child JVM at once, so none can be caught and hidden.
 */
@Slow
class LargeTreeMemoryTest {
  private static final long SIZE = 512L << 20;
  private static final String[] SMALL_HEAP = {
      "-XX:+UseParallelGC", "-Xmx64m", "-XX:+ExitOnOutOfMemoryError"};

  @TempDir Path dir;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aStreamedTreeBacksUpChecksAndRestoresInA64MibHeapAndResticReadsIt() throws Exception {
    Cli small = Cli.withPassword(Map.of("BULWARK_STATE_DIR", dir.resolve("state").toString()))
        .jvm(SMALL_HEAP);
    Path repo = dir.resolve("repo");
    Path src = Files.createDirectories(dir.resolve("src"));
    Path db = src.resolve("pages.db");
    SampleTree.writeMixed(db, SIZE, 0x7EE5L);
    String hash = TestFiles.sha256(db);

    small.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    small.run("backup", "--repo", repo.toString(), "--chunk-size", "4K", src.toString())
        .assertOk();
    Files.delete(db);
    assertThat(small.run("check", "--read-data", "--repo", repo.toString()).assertOk().stdout())
        .contains("no errors were found");
    Path target = dir.resolve("out");
    small.run("restore", "latest", "--repo", repo.toString(), "--target", target.toString())
        .assertOk();
    Path restored = Manifest.restored(target, db);
    assertThat(TestFiles.sha256(restored)).as("SHA-256 of the restored file").isEqualTo(hash);
    Files.delete(restored);

    Restic restic = Restic.forRepo(repo, dir.resolve("restic-cache"));
    assertThat(restic.run("check", "--read-data")).contains("no errors were found");
    Path resticOut = dir.resolve("restic-out");
    restic.run("restore", "latest", "--target", resticOut.toString());
    assertThat(TestFiles.sha256(Manifest.restored(resticOut, db)))
        .as("SHA-256 of the file restic restored").isEqualTo(hash);
  }
}
