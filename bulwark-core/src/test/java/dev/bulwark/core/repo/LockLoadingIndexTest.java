package dev.bulwark.core.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.FileType;
import dev.bulwark.core.Id;
import dev.bulwark.core.RepositoryLockedException;
import dev.bulwark.core.backend.LocalBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Repository#lockLoadingIndex}: the index is read while the new lock settles, and the
 * lock's re-check still refuses a conflicting lock, leaving no lock of its own behind.
 */
class LockLoadingIndexTest {
  private static final byte[] PW = "pw".getBytes(StandardCharsets.UTF_8);
  @TempDir Path dir;

  @Test
  void theIndexIsLoadedAndTheLockHeld() throws Exception {
    // Five index files: they are parsed on several threads, a few at a time, every one added.
    List<Id> blobs = new ArrayList<>();
    try (Repository writer = Repository.init(LocalBackend.open(dir), PW, RepositoryTest.FAST)) {
      for (int i = 0; i < 5; i++) {
        Id blob = Id.hash(("blob " + i).getBytes(StandardCharsets.UTF_8));
        blobs.add(blob);
        writer.saveUnpacked(FileType.INDEX, index(blob));
      }
    }
    try (Repository r = Repository.openWithoutIndex(LocalBackend.open(dir), PW)) {
      assertThat(r.index().find(BlobType.DATA, blobs.get(0))).isEmpty();
      try (Lock lock = r.lockLoadingIndex(false)) {
        for (Id blob : blobs) {
          assertThat(r.index().find(BlobType.DATA, blob)).as("%s", blob).isPresent();
        }
        assertThat(r.list(FileType.LOCK)).hasSize(1);
      }
      assertThat(r.list(FileType.LOCK)).isEmpty();
    }
  }

  @Test
  void aConflictingLockIsStillRefusedAndNoLockIsLeft() throws Exception {
    try (Repository holder = Repository.init(LocalBackend.open(dir), PW, RepositoryTest.FAST);
        Lock exclusive = holder.lock(true);
        Repository r = Repository.openWithoutIndex(LocalBackend.open(dir), PW)) {
      assertThatThrownBy(() -> r.lockLoadingIndex(false))
          .isInstanceOf(RepositoryLockedException.class);
      assertThat(r.list(FileType.LOCK)).hasSize(1);
    }
  }

  private static byte[] index(Id blob) {
    String pack = "00".repeat(32);
    return ("{\"packs\":[{\"id\":\"" + pack + "\",\"blobs\":[{\"id\":\"" + blob
        + "\",\"type\":\"data\",\"offset\":0,\"length\":42}]}]}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
