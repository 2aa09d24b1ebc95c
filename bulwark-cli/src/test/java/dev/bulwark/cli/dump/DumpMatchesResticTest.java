package dev.bulwark.cli.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.Restic;
import dev.bulwark.core.testing.Slow;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bulwark dump} writes what the real {@code restic dump} writes for the same file. */
@Slow
class DumpMatchesResticTest {
  @TempDir Path dir;
  private final Cli cli = Cli.withPassword().inProcess();

  @Test
  void dumpEqualsResticDump() throws Exception {
    Path repo = dir.resolve("repo");
    Path file = Files.createDirectories(dir.resolve("data")).resolve("node.conf");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 60_000; i++) {
      text.append("line ").append(i).append(" of a config that spans several chunks\n");
    }
    Files.writeString(file, text);
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    cli.run("backup", "--repo", repo.toString(), "--file", file.toString()).assertOk();
    Path out = dir.resolve("bulwark.out");
    cli.run("dump", "latest", file.toString(), "--repo", repo.toString(), "--target",
        out.toString()).assertOk();
    String restic = Restic.forRepo(repo, dir.resolve("cache")).run("dump", "latest",
        file.toString());
    assertThat(Files.readString(out)).isEqualTo(restic).isEqualTo(text.toString());
  }
}
