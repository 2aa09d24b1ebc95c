package dev.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.TestFiles;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.check.HandMadeStream;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.stream.SegmentName;
import dev.bulwark.core.testing.TestRepositories;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bulwark check} on a repository holding a stream made from a real SQLite database:
 * one summary line for the streams when all is well; each damaged segment one error line that
 * names its file, and the exit code of any other damage. A repository without streams prints
 * no stream line.
 */
class StreamCheckCliTest {
  private static final Cli CLI = Cli.withPassword().inProcess();
  private static final long GENERATION = 0x0000_0190_0000_0001L;

  @TempDir Path dir;

  @Test
  void checkSummarisesStreamsAndNamesADamagedSegment() throws Exception {
    Path repo = dir.resolve("repo");
    String r = repo.toString();
    CLI.run("init", "--repo", r, "--kdf-n", "1024").assertOk();
    Cli.Result plain = CLI.run("check", "--repo", r).assertOk();
    assertThat(plain.stdout()).doesNotContain("stream");

    HandMadeStream stream = HandMadeStream.create(dir.resolve("db"), 3, GENERATION);
    try (Repository open = TestRepositories.open(LocalBackend.open(repo))) {
      stream.snapshot(open, dir, 0, 0);
      stream.save(open, stream.segment(1, 1, 0, 1), stream.segment(2, 2, 1, 2),
          stream.segment(3, 3, 2, 3));
    }
    long bytes = 0;
    for (int i = 1; i <= 3; i++) {
      bytes += Files.size(stream.segmentFile(repo, i, i));
    }
    Cli.Result good = CLI.run("check", "--repo", r).assertOk();
    assertThat(good.stdout()).contains("1 stream database(s), 1 generation(s), 3 segments ("
        + Messages.bytes(bytes) + ") checked").contains("no errors were found");

    Path damaged = stream.segmentFile(repo, 2, 2);
    TestFiles.flipByte(damaged, Files.size(damaged) / 2);
    Cli.Result bad = CLI.run("check", "--repo", r);
    assertThat(bad.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(bad.stderr().lines().filter(l -> l.startsWith("error: ")).toList())
        .singleElement().satisfies(l -> assertThat(l).contains("bulwark/streams/app/"
            + SegmentName.generation(GENERATION) + "/" + SegmentName.of(2, 2) + ": "));
    assertThat(bad.stderr()).contains("check found 1 error(s)");
  }
}
