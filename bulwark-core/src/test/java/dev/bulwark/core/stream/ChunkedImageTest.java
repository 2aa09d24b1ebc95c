package dev.bulwark.core.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.Id;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.concurrent.Workers;
import dev.bulwark.core.repo.BlobSaver;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.testing.TestRepositories;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory bound of a fold: however many chunks the segments touch, patched chunks held in
 * memory stay within the budget (plus the chunk being patched), and the image is still right.
 */
class ChunkedImageTest {
  private static final int PAGE = 4096;
  private static final int CHUNK = 16384;
  @TempDir Path dir;

  @Test
  void patchedChunksInMemoryStayWithinTheBudgetWhenEveryChunkIsTouched() throws Exception {
    try (Repository repo = TestRepositories.init(LocalBackend.open(dir.resolve("repo")));
        Workers workers = new Workers("test", "chunk", 2)) {
      SplittableRandom random = new SplittableRandom(4);
      byte[] file = new byte[256 * PAGE];
      random.nextBytes(file);
      BlobSaver saver = new BlobSaver(repo, 1 << 20, 1);
      List<Id> content = new ArrayList<>();
      for (int off = 0; off < file.length; off += CHUNK) {
        Id id = Id.hash(Arrays.copyOfRange(file, off, off + CHUNK));
        saver.save(BlobType.DATA, id, file, off, CHUNK);
        content.add(id);
      }
      saver.flush();
      long budget = 4L * CHUNK;
      ChunkedImage image = new ChunkedImage(repo, saver, workers.executor(), 2, CHUNK, PAGE,
          content, file.length, checksum(file), budget);
      for (int round = 0; round < 3; round++) {
        // Every segment writes one page in every chunk, far more than the budget holds.
        byte[] before = file.clone();
        List<Page> pages = new ArrayList<>();
        for (int p = 1 + round; p <= file.length / PAGE; p += CHUNK / PAGE) {
          byte[] page = new byte[PAGE];
          random.nextBytes(page);
          System.arraycopy(page, 0, file, (p - 1) * PAGE, PAGE);
          pages.add(new Page(p, page));
        }
        Instant t = Instant.EPOCH.plusSeconds(round);
        image.apply(new Segment(1, round + 1, round + 1, PAGE, file.length / PAGE,
            checksum(before), checksum(file), t, t, pages));
        assertThat(image.checksum()).isEqualTo(checksum(file));
      }
      List<Id> folded = image.finish();
      saver.flush();

      assertThat(image.peakMemoryBytes()).isGreaterThan(0).isLessThanOrEqualTo(budget);
      // Every chunk was stored early in each round: three rebuilds of each of the 64 chunks.
      assertThat(image.chunksWritten()).isEqualTo(3 * 64);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (Id id : folded) {
        out.write(repo.loadBlob(BlobType.DATA, id));
      }
      assertThat(out.toByteArray()).isEqualTo(file);
    }
  }

  private static PageSetChecksum checksum(byte[] file) {
    long c = 0;
    for (int p = 0; p < file.length / PAGE; p++) {
      c ^= PageSetChecksum.pageHash(p + 1, file, p * PAGE, PAGE);
    }
    return new PageSetChecksum(c);
  }
}
