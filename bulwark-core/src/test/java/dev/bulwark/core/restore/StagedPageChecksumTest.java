package dev.bulwark.core.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.stream.PageReplay;
import dev.bulwark.core.stream.PageSetChecksum;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page checksum a restore computes from the blobs it writes, against reading the file. */
class StagedPageChecksumTest {
  private static final int PAGE = 512;
  @TempDir Path dir;

  @Test
  void blobsOfWholePagesInAnyOrderGiveTheFilesChecksum() throws Exception {
    byte[] file = new byte[40 * PAGE];
    new Random(5).nextBytes(file);
    Path written = dir.resolve("db");
    Files.write(written, file);
    // Blobs of 1 to 4 pages, seen from several threads in a shuffled order, as workers do.
    List<long[]> blobs = new ArrayList<>();
    for (int page = 0, n = 1; page < 40; page += n, n = n % 4 + 1) {
      blobs.add(new long[] {page, Math.min(n, 40 - page)});
    }
    Collections.shuffle(blobs, new Random(9));
    StagedPageChecksum sum = new StagedPageChecksum(PAGE);
    IntStream.range(0, blobs.size()).parallel().forEach(i -> {
      long[] b = blobs.get(i);
      int from = (int) b[0] * PAGE;
      sum.written(written, from, Arrays.copyOfRange(file, from, from + (int) b[1] * PAGE));
    });
    PageSetChecksum read;
    try (FileChannel ch = FileChannel.open(written, StandardOpenOption.READ)) {
      read = PageReplay.checksum(ch, PAGE);
    }
    assertThat(sum.checksum()).contains(read);
    assertThat(read).isNotEqualTo(PageSetChecksum.empty());
  }

  @Test
  void aBlobThatCutsAPageOrASecondFileLeavesTheChecksumUnknown() {
    Path a = dir.resolve("a");
    StagedPageChecksum cut = new StagedPageChecksum(PAGE);
    cut.written(a, 0, new byte[PAGE]);
    assertThat(cut.checksum()).isPresent();
    cut.written(a, PAGE, new byte[PAGE + 1]);
    assertThat(cut.checksum()).isEmpty();

    StagedPageChecksum shifted = new StagedPageChecksum(PAGE);
    shifted.written(a, 100, new byte[PAGE]);
    assertThat(shifted.checksum()).isEmpty();

    StagedPageChecksum two = new StagedPageChecksum(PAGE);
    two.written(a, 0, new byte[PAGE]);
    two.written(dir.resolve("b"), PAGE, new byte[PAGE]);
    assertThat(two.checksum()).isEmpty();
  }
}
