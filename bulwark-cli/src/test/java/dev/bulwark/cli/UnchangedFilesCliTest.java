package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.SampleTree;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bulwark backup} skips files unchanged since the parent snapshot, says so, records the
 * parent, and takes {@code --parent ID} and {@code --force}.
 */
class UnchangedFilesCliTest {
  private static final long FILE_BYTES = 100_000;

  @TempDir Path dir;

  private final Cli cli = Cli.withPassword().inProcess();

  @Test
  void secondBackupSkipsUnchangedFilesAndForceReadsThem() throws Exception {
    Path repo = dir.resolve("repo");
    Path src = Files.createDirectories(dir.resolve("src"));
    for (int i = 0; i < 3; i++) {
      SampleTree.writeRandom(src.resolve("f" + i), FILE_BYTES, i);
    }
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    // Files stamped within a second of a backup's start are read again by the next one.
    Thread.sleep(1_300);
    JsonNode first = backup(repo, src.toString());
    assertThat(first.path("files_unchanged").asLong()).isZero();
    assertThat(first.path("bytes_read").asLong()).isEqualTo(3 * FILE_BYTES);

    Files.delete(src.resolve("f0"));
    SampleTree.writeRandom(src.resolve("f0"), FILE_BYTES, 10);
    Cli.Result text = cli.run("backup", "--repo", repo.toString(), src.toString()).assertOk();
    assertThat(text.stdout()).contains("3 files, ").contains(", 2 unchanged (")
        .contains(" not read)");

    JsonNode forced = backup(repo, "--force", src.toString());
    assertThat(forced.path("files_unchanged").asLong()).isZero();
    assertThat(forced.path("bytes_read").asLong()).isEqualTo(3 * FILE_BYTES);

    String firstId = first.path("snapshot_id").asText();
    JsonNode named = backup(repo, "--parent", firstId.substring(0, 8), src.toString());
    assertThat(named.path("files_unchanged").asLong()).as("f1, f2 against the first").isEqualTo(2);
    assertThat(named.path("bytes_unchanged").asLong()).isEqualTo(2 * FILE_BYTES);
    assertThat(named.path("bytes_read").asLong()).isEqualTo(FILE_BYTES);

    JsonNode snaps = new ObjectMapper().readTree(cli.run("snapshots", "--repo", repo.toString(),
        "--json").assertOk().stdout());
    assertThat(snaps).hasSize(4);
    assertThat(snaps.get(3).path("id").asText()).isEqualTo(named.path("snapshot_id").asText());
    assertThat(snaps.get(3).path("parent").asText()).isEqualTo(firstId);
    assertThat(snaps.get(2).path("parent").asText()).as("--force still records its parent")
        .isEqualTo(snaps.get(1).path("id").asText());

    Cli.Result missing = cli.run("backup", "--repo", repo.toString(), "--parent", "abcdef12",
        src.toString());
    assertThat(missing.exitCode()).isNotZero();
    assertThat(missing.stderr()).contains("abcdef12");
  }

  private JsonNode backup(Path repo, String... args) throws Exception {
    String[] all = new String[args.length + 4];
    all[0] = "backup";
    all[1] = "--repo";
    all[2] = repo.toString();
    all[3] = "--json";
    System.arraycopy(args, 0, all, 4, args.length);
    return new ObjectMapper().readTree(cli.run(all).assertOk().stdout());
  }
}
