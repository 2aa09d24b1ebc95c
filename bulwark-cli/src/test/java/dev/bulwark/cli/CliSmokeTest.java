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
    assertThat(info.stdout()).contains("snapshots: 1").contains("keys:").contains("dedup ratio");
    Cli.Result snap = cli.run("info", "latest", "--repo", repo.toString(), "--json").assertOk();
    assertThat(snap.stdout()).contains("\"path\":\"" + src.resolve("a.txt") + "\"")
        .contains("\"size\":5").doesNotContain("database");
  }

  @Test
  void infoReportsDedupRatioOfRepeatedBackups() throws Exception {
    Cli cli = Cli.withPassword().inProcess();
    Path repo = dir.resolve("repo");
    Path src = Files.createDirectories(dir.resolve("src"));
    byte[] data = new byte[3 << 20];
    new java.util.Random(7).nextBytes(data);
    Files.write(src.resolve("db.bin"), data);
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    for (int i = 0; i < 3; i++) {
      cli.run("backup", "--repo", repo.toString(), src.toString()).assertOk();
    }
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
        cli.run("info", "--repo", repo.toString(), "--json").assertOk().stdout());
    assertThat(json.path("snapshots").asInt()).isEqualTo(3);
    assertThat(json.path("restore_bytes").asLong()).isEqualTo(3L * data.length);
    // Three identical snapshots of random data: stored once, plus trees.
    assertThat(json.path("unique_bytes").asLong()).isBetween((long) data.length,
        data.length + 64 * 1024L);
    assertThat(json.path("dedup_ratio").asDouble()).isBetween(2.9, 3.0);
    assertThat(json.path("keys")).hasSize(1);
    assertThat(json.path("keys").get(0).path("current").asBoolean()).isTrue();
  }
}
