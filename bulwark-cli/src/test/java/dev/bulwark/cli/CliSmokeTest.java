package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliSmokeTest {
  @TempDir Path dir;

  @Test
  void initBackupRestoreRoundTrip() throws Exception {
    Cli cli = Cli.withPassword();
    Path repo = dir.resolve("repo");
    Path src = Files.createDirectories(dir.resolve("src/sub"));
    Files.writeString(src.resolve("a.txt"), "hello");
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    Cli.Result b = cli.run("backup", "--repo", repo.toString(), dir.resolve("src").toString())
        .assertOk();
    assertThat(b.stdout()).contains("snapshot").contains("saved");
    cli.run("restore", "latest", "--repo", repo.toString(), "--target",
        dir.resolve("out").toString()).assertOk();
    Path restored = dir.resolve("out").resolve(src.resolve("a.txt").toString().substring(1));
    assertThat(Files.readString(restored)).isEqualTo("hello");

    Cli.Result info = cli.run("info", "--repo", repo.toString()).assertOk();
    assertThat(info.stdout()).contains("snapshots: 1").contains("keys: 1");
    Cli.Result snap = cli.run("info", "latest", "--repo", repo.toString(), "--json").assertOk();
    assertThat(snap.stdout()).contains("\"path\":\"" + src.resolve("a.txt") + "\"")
        .contains("\"size\":5").doesNotContain("database");
  }
}
