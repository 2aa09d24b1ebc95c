package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code restore --db DB --output FOLDER}: refused on one line, the folder left as it was. */
class RestoreOutputFolderTest {
  @TempDir Path dir;

  private final Cli cli = Cli.withPassword().inProcess();

  @Test
  void outputOntoAFolderIsAUsageErrorAndTheFolderIsUntouched() throws Exception {
    Path repo = dir.resolve("repo");
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    Path folder = Files.createDirectory(dir.resolve("restored"));
    Files.writeString(folder.resolve("keep.txt"), "kept");

    Cli.Result r = cli.run("restore", "latest", "--repo", repo.toString(),
        "--db", dir.resolve("app.db").toString(), "--output", folder.toString());

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.stderr()).contains("is a folder").contains(folder.toString());
    assertThat(r.stderr()).doesNotContain("Exception");
    assertThat(Files.readString(folder.resolve("keep.txt"))).isEqualTo("kept");
    try (var s = Files.list(folder)) {
      assertThat(s.toList()).containsExactly(folder.resolve("keep.txt"));
    }
  }
}
