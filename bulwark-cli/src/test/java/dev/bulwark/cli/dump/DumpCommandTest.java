package dev.bulwark.cli.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bulwark dump}: one file of a snapshot, byte for byte, or one clear line. */
class DumpCommandTest {
  @TempDir Path dir;
  private final Cli cli = Cli.withPassword().inProcess();
  private Path repo;
  private Path data;
  private byte[] big;

  @BeforeEach
  void backUpAFolder() throws Exception {
    repo = dir.resolve("repo");
    data = Files.createDirectories(dir.resolve("data/sub"));
    // Several chunks, and bytes no text encoding would pass through unchanged.
    big = new byte[3 * 1024 * 1024 + 17];
    new Random(7).nextBytes(big);
    Files.write(data.resolve("big.bin"), big);
    Files.write(data.resolve("empty"), new byte[0]);
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    cli.run("backup", "--repo", repo.toString(), data.getParent().toString()).assertOk();
  }

  @Test
  void writesAFileByteForByteToTargetOwnerOnly() throws Exception {
    Path out = dir.resolve("out.bin");
    cli.run("dump", "latest", data.resolve("big.bin").toString(), "--repo", repo.toString(),
        "--target", out.toString()).assertOk();
    assertThat(Files.readAllBytes(out)).isEqualTo(big);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out)))
        .isEqualTo("rw-------");

    Path empty = dir.resolve("empty.out");
    cli.run("dump", "latest", data.resolve("empty").toString(), "--repo", repo.toString(),
        "--target", empty.toString()).assertOk();
    assertThat(Files.size(empty)).isZero();
  }

  @Test
  void writesRawBytesToStandardOutputOfARealProcess() throws Exception {
    Path out = dir.resolve("stdout.bin");
    Path err = dir.resolve("stderr.txt");
    Process p = Cli.withPassword().start(out, err, "dump", "latest",
        data.resolve("big.bin").toString(), "--repo", repo.toString());
    assertThat(p.waitFor()).as(Files.readString(err)).isZero();
    assertThat(Files.readAllBytes(out)).isEqualTo(big);
  }

  @Test
  void aMissingPathOrAFolderIsOneLineAndWritesNothing() throws Exception {
    Path out = dir.resolve("never.bin");
    Cli.Result missing = cli.run("dump", "latest", data.resolve("nope").toString(), "--repo",
        repo.toString(), "--target", out.toString());
    assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(1);
    assertThat(missing.stderr().lines().toList()).as(missing.toString()).hasSize(1);
    assertThat(missing.stderr()).contains("has no").contains("nope");
    assertThat(out).doesNotExist();
    try (var s = Files.list(dir)) {
      assertThat(s.filter(f -> f.getFileName().toString().startsWith(".never"))).isEmpty();
    }

    Cli.Result folder = cli.run("dump", "latest", data.toString(), "--repo", repo.toString(),
        "--target", out.toString());
    assertThat(folder.exitCode()).as(folder.toString()).isEqualTo(1);
    assertThat(folder.stderr()).contains("is a folder").contains("--include");
    assertThat(out).doesNotExist();

    Cli.Result ontoFolder = cli.run("dump", "latest", data.resolve("big.bin").toString(),
        "--repo", repo.toString(), "--target", dir.toString());
    assertThat(ontoFolder.exitCode()).as(ontoFolder.toString()).isEqualTo(2);
  }

  @Test
  void aDamagedBlobStopsTheDumpAndLeavesNoFile() throws Exception {
    // Flip a byte in every pack: whichever holds the file's blobs, its check fails.
    try (var s = Files.walk(repo.resolve("data"))) {
      for (Path pack : s.filter(Files::isRegularFile).toList()) {
        byte[] b = Files.readAllBytes(pack);
        b[b.length / 3] ^= 0x40;
        Files.write(pack, b);
      }
    }
    Path out = dir.resolve("damaged.bin");
    Cli.Result r = cli.run("dump", "latest", data.resolve("big.bin").toString(), "--repo",
        repo.toString(), "--target", out.toString());
    assertThat(r.exitCode()).as(r.toString()).isNotZero();
    assertThat(out).doesNotExist();
  }
}
