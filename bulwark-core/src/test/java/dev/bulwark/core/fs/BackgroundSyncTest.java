package dev.bulwark.core.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Making a restored copy durable on a thread of its own: every pass done, failures reported. */
class BackgroundSyncTest {
  @TempDir Path dir;

  @Test
  void aTreeWithReadOnlyFilesIsSyncedAndAwaitWaitsForEveryPass() throws Exception {
    Path root = dir.resolve("db");
    Files.createDirectories(root.resolve("sub"));
    Files.write(root.resolve("a.sst"), new byte[1 << 20]);
    Path readOnly = root.resolve("sub/CURRENT");
    Files.writeString(readOnly, "MANIFEST-000001\n");
    Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r--r--r--"));
    try (BackgroundSync sync = BackgroundSync.start(root)) {
      Files.write(root.resolve("a.sst"), new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
      sync.syncAgain();
      sync.await();
    }
    assertThat(Files.size(root.resolve("a.sst"))).isEqualTo((1 << 20) + 1);
  }

  @Test
  void aPassThatCannotSyncAFileIsReportedByAwait() throws Exception {
    Path file = dir.resolve("app.db");
    Files.write(file, new byte[4096]);
    try (BackgroundSync sync = BackgroundSync.start(file)) {
      sync.await();
      Files.delete(file);
      sync.syncAgain();
      assertThatThrownBy(sync::await).isInstanceOf(NoSuchFileException.class)
          .hasMessageContaining("app.db");
    }
  }

  @Test
  void closingAfterAFailedPassThrowsNothing() throws Exception {
    // A restore that failed discards its copy; closing must not replace its error.
    Path file = dir.resolve("staging");
    Files.write(file, new byte[4096]);
    BackgroundSync sync = BackgroundSync.start(file);
    sync.await();
    Files.delete(file);
    for (int i = 0; i < 10; i++) {
      sync.syncAgain();
    }
    sync.close();
    assertThat(file).doesNotExist();
  }
}
