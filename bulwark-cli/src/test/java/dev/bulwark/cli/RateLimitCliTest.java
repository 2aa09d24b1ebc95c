package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.TestFiles;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --limit-upload} / {@code --limit-download} on the commands that move data: each takes
 * them, a flag wins over {@code BULWARK_LIMIT_*}, and a negative or non-numeric limit is a
 * usage error. The achieved rate is measured in {@link RateLimitRateTest} (slow tier).
 */
class RateLimitCliTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"backup", "restore", "replicate", "prune", "check"})
  void everyCommandThatMovesDataTakesBothLimits(String command) {
    Cli.Result help = Cli.withPassword().inProcess().run(command, "--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.stdout()).contains("--limit-upload=KiB/s").contains("--limit-download=KiB/s");
  }

  @Test
  void aNegativeLimitIsAUsageError() throws Exception {
    Path repo = init();
    Path file = TestFiles.writeRandom(dir.resolve("f"), 1000, 1);
    Cli.Result r = Cli.withPassword().inProcess()
        .run("backup", "--repo", repo.toString(), "--limit-upload", "-1", file.toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.stderr()).contains("--limit-upload: -1 is negative");
  }

  @Test
  void aBadVariableIsAUsageErrorUnlessAFlagOverridesIt() throws Exception {
    Path repo = init();
    Path file = TestFiles.writeRandom(dir.resolve("f"), 1000, 1);
    Cli env = Cli.withPassword(Map.of("BULWARK_LIMIT_DOWNLOAD", "fast",
        "BULWARK_LIMIT_UPLOAD", "-3")).inProcess();
    Cli.Result bad = env.run("check", "--repo", repo.toString());
    assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(2);
    assertThat(bad.stderr()).contains("BULWARK_LIMIT_UPLOAD: -3 is negative");
    Cli.Result wordy = env.run("check", "--repo", repo.toString(), "--limit-upload", "0");
    assertThat(wordy.exitCode()).as(wordy.toString()).isEqualTo(2);
    assertThat(wordy.stderr()).contains("BULWARK_LIMIT_DOWNLOAD: 'fast' is not a number");
    // Both flags given: the variables are not read, and 0 means unlimited.
    env.run("backup", "--repo", repo.toString(), "--limit-upload", "0", "--limit-download",
        "0", file.toString()).assertOk();
  }

  private Path init() {
    Path repo = dir.resolve("repo");
    Cli.withPassword().inProcess().run("init", "--repo", repo.toString(), "--kdf-n", "1024")
        .assertOk();
    return repo;
  }
}
