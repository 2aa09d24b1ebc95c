package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.TestFiles;
import dev.bulwark.core.testing.Slow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key files asking for absurd scrypt parameters (2^30 N: 1 TiB; p = 2^20: hours) are refused
 * at once with one line each, and the repository still opens with its good key.
 */
@Slow
class HostileKeyFileTest {
  @TempDir Path dir;

  @Test
  void hostileKeyFilesAreSkippedQuicklyAndTheGoodKeyOpens() throws Exception {
    Path repo = dir.resolve("repo");
    Cli cli = Cli.withPassword();
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    Path good = TestFiles.repoFiles(repo, "keys").get(0);
    ObjectMapper json = new ObjectMapper();
    for (Map.Entry<String, Integer> e : Map.of("N", 1 << 30, "p", 1 << 20).entrySet()) {
      ObjectNode k = (ObjectNode) json.readTree(good.toFile());
      k.put(e.getKey(), e.getValue());
      byte[] bytes = json.writeValueAsBytes(k);
      Path hostile = repo.resolve("keys").resolve(sha256(bytes));
      Files.write(hostile, bytes);
    }

    long t0 = System.nanoTime();
    Cli.Result ok = cli.run("snapshots", "--repo", repo.toString());
    assertThat(ok.exitCode()).as(ok.stderr()).isZero();

    // A password no key takes makes every key file be tried: both hostile ones are refused.
    Cli.Result wrong = Cli.withEnv(Map.of("BULWARK_PASSWORD", "other"))
        .run("snapshots", "--repo", repo.toString());
    long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
    assertThat(wrong.exitCode()).as(wrong.stderr()).isEqualTo(12);
    List<String> skipped = wrong.stderr().lines()
        .filter(l -> l.contains("skipping key file")).toList();
    assertThat(skipped).hasSize(2);
    assertThat(skipped).anyMatch(l -> l.contains("N=1073741824"))
        .anyMatch(l -> l.contains("p=1048576"));
    assertThat(wrong.stderr()).doesNotContain("\tat ").doesNotContain("OutOfMemoryError");
    assertThat(seconds).as("both runs, in seconds").isLessThan(30);
  }

  private static String sha256(byte[] b) throws Exception {
    return java.util.HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("SHA-256").digest(b));
  }
}
