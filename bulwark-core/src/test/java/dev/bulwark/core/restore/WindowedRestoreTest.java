package dev.bulwark.core.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.Progress;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.backup.Archiver;
import dev.bulwark.core.backup.FileSource;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.testing.Backups;
import dev.bulwark.core.testing.TestRepositories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file is planned and fetched a window of blobs at a time, so a large file's plan never
 * holds all of its blobs: with windows of 7 blobs (none a divisor of the 1,000 chunks, so the
 * last window is short) the file comes back byte for byte, fresh and over an older version
 * whose unchanged chunks are reused at the right offsets.
 */
class WindowedRestoreTest {
  private static final int CHUNK = 4096;
  private static final int CHUNKS = 1000;

  @TempDir Path dir;

  @Test
  void aFileRestoredInSmallPlanWindowsIsIdenticalFreshAndOverAnOlderVersion() throws Exception {
    Path src = TestRepositories.randomFile(dir.resolve("src/pages.db"), CHUNK * CHUNKS, 21);
    byte[] original = Files.readAllBytes(src);
    try (Repository repo = TestRepositories.init(LocalBackend.open(dir.resolve("repo")))) {
      Snapshot snap = Backups.underLock(repo, new Archiver(repo,
          TestRepositories.OPTIONS.withChunkBytes(CHUNK), new Progress()),
          List.of(FileSource.of(src))).snapshot();
      Path out = dir.resolve("out");
      Path restored = out.resolve(src.toString().substring(1));

      new Restorer(repo, 2, new Progress()).withPlanWindow(7).restore(snap, out, List.of());
      assertThat(Files.readAllBytes(restored)).isEqualTo(original);

      // Change one chunk in the 3rd window and one in the last; the delta restore reuses the
      // rest from the file in place, each at its own offset.
      byte[] changed = original.clone();
      changed[15 * CHUNK + 3] ^= 1;
      changed[(CHUNKS - 1) * CHUNK] ^= 1;
      Files.write(restored, changed);
      Restorer delta = new Restorer(repo, 2, new Progress()).delta(true).withPlanWindow(7);
      delta.restore(snap, out, List.of());
      assertThat(Files.readAllBytes(restored)).isEqualTo(original);
      assertThat(delta.restoredBytes().fetched()).isEqualTo(2L * CHUNK);
      assertThat(delta.restoredBytes().reused()).isEqualTo((CHUNKS - 2L) * CHUNK);
    }
  }
}
