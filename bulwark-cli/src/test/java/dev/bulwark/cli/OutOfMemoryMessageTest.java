package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.SampleTree;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A heap too small for the data ends the command with one line that says what to raise, not
 * with the JVM's stack trace of an uncaught OutOfMemoryError.
 */
class OutOfMemoryMessageTest {
  @TempDir Path dir;

  @Test
  void aBackupThatRunsOutOfHeapSaysHowToRaiseIt() throws Exception {
    Path repo = dir.resolve("repo");
    Path src = Files.createDirectories(dir.resolve("src"));
    SampleTree.writeRandom(src.resolve("big.bin"), 48L << 20, 7);
    Cli.withPassword().run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();

    Cli.Result r = Cli.withPassword().jvm("-XX:+UseParallelGC", "-Xmx16m")
        .run("backup", "--repo", repo.toString(), src.toString());

    assertThat(r.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(r.stderr().strip()).startsWith("bulwark: out of memory: this job needs more than")
        .contains("BULWARK_OPTS=-Xmx").doesNotContain("\tat ").doesNotContain("Exception in");
  }
}
