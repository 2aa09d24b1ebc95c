package dev.bulwark.core.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.FileType;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Listing the stream folder while a writer saves into it (a temporary file renamed into place,
 * as a replicator ships without a repository lock): every listing succeeds, shows no temporary
 * file, and never loses a file saved before it began.
 */
class LocalBackendListTreeTest {
  @TempDir Path dir;

  @Test
  void listingWhileAWriterSavesNeverFailsNorLosesAFile() throws Exception {
    LocalBackend backend = LocalBackend.open(dir);
    byte[] data = new byte[100];
    AtomicBoolean done = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    int[] saved = {0};
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      try {
        for (int i = 0; i < 300 && !stop.get(); i++) {
          backend.save(new Handle(FileType.STREAM, "app/0001/" + String.format("%06d.seg", i)),
              data, 0, data.length);
          synchronized (saved) {
            saved[0] = i + 1;
          }
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      } finally {
        done.set(true);
      }
    });
    int listings = 0;
    try {
      while (!done.get() || listings == 0) {
        int before;
        synchronized (saved) {
          before = saved[0];
        }
        Set<String> names = new HashSet<>();
        backend.listTree(FileType.STREAM, f -> names.add(f.name()));
        assertThat(names).allSatisfy(n -> assertThat(n).doesNotContain("-tmp-"));
        for (int i = 0; i < before; i++) {
          assertThat(names).contains("app/0001/" + String.format("%06d.seg", i));
        }
        listings++;
      }
    } finally {
      stop.set(true); // a failed listing must not leave the writer filling the folder
      writer.join();
    }
    assertThat(listings).isPositive();
  }
}
