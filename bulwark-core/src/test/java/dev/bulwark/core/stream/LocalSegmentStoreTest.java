package dev.bulwark.core.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.backend.Backend;
import dev.bulwark.core.backend.LocalBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SegmentStoreContract} on a local folder, plus what only a folder shows. */
class LocalSegmentStoreTest extends SegmentStoreContract {
  private static final AtomicInteger N = new AtomicInteger();
  @TempDir Path dir;

  @Override
  protected Backend newBackend() throws Exception {
    LocalBackend b = LocalBackend.open(dir.resolve("repo" + N.incrementAndGet()));
    b.create();
    return b;
  }

  @Test
  void theStreamFolderAppearsOnlyWithTheFirstSegment() throws Exception {
    LocalBackend b = LocalBackend.open(dir.resolve("fresh"));
    b.create();
    assertThat(dir.resolve("fresh/bulwark")).doesNotExist();
    Path tmp = dir.resolve("fresh/bulwark/streams/app/0000000000000001/x.seg-tmp-1");
    Files.createDirectories(tmp.getParent());
    Files.write(tmp, new byte[3]);
    // A stream writer holds no repository lock: its fresh temp files are left alone.
    assertThat(b.deleteTempFiles(Duration.ofHours(1))).isZero();
    assertThat(b.deleteTempFiles(Duration.ZERO)).isEqualTo(1);
    assertThat(tmp).doesNotExist();
  }

  @Test
  void cleaningTempFilesWhileAWriterRenamesItsOwnNeverFails() throws Exception {
    LocalBackend b = LocalBackend.open(dir.resolve("busy"));
    b.create();
    Path folder = dir.resolve("busy/bulwark/streams/app/0000000000000001");
    Files.createDirectories(folder);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger renamed = new AtomicInteger();
    // A replicator shipping: write a temp file, rename it into place, again and again.
    Thread writer = new Thread(() -> {
      try {
        for (int i = 0; !stop.get(); i++) {
          Path tmp = folder.resolve(i + ".seg-tmp-" + i);
          Files.write(tmp, new byte[8]);
          Files.move(tmp, folder.resolve(i + ".seg"));
          Files.delete(folder.resolve(i + ".seg"));
          renamed.incrementAndGet();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    writer.start();
    try {
      long until = System.nanoTime() + Duration.ofMillis(1500).toNanos();
      int rounds = 0;
      while (System.nanoTime() < until || renamed.get() < 1000) {
        // Fresh temp files of a lock-free writer are never taken from under it.
        assertThat(b.deleteTempFiles(Duration.ofHours(1))).isZero();
        rounds++;
      }
      assertThat(rounds).isPositive();
    } finally {
      stop.set(true);
      writer.join();
    }
  }
}
