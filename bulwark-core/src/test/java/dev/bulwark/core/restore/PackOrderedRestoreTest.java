package dev.bulwark.core.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.FileType;
import dev.bulwark.core.Id;
import dev.bulwark.core.Progress;
import dev.bulwark.core.backend.Backend;
import dev.bulwark.core.backend.ForwardingBackend;
import dev.bulwark.core.backend.Handle;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.backup.Archiver;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.backup.FileSource;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.testing.Backups;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restore reads a file's blobs by pack, not one request per blob out of pack order. */
class PackOrderedRestoreTest {
  private static final int CHUNK = 64 * 1024;
  @TempDir Path dir;

  /** Records the pack of every ranged read of a pack it passes through. */
  private static final class CountingBackend extends ForwardingBackend {
    final List<String> packReads = new CopyOnWriteArrayList<>();

    CountingBackend(Backend inner) {
      super(inner);
    }

    @Override
    public byte[] load(Handle handle, long offset, int length) throws IOException {
      if (handle.type() == FileType.PACK) {
        packReads.add(handle.name());
      }
      return super.load(handle, offset, length);
    }
  }

  @Test
  void aFileWhoseBlobsAlternateInAPackIsReadOncePerPackAndRestoredExactly() throws Exception {
    // Two files of 16 chunks each are stored first, one after the other; a third file made
    // of their chunks taken in turns stores nothing new, and its blobs lie in its pack in
    // the order a0 a1 ... b0 b1 ..., never in its own order.
    Random rnd = new Random(14);
    byte[] a = new byte[16 * CHUNK];
    byte[] b = new byte[16 * CHUNK];
    rnd.nextBytes(a);
    rnd.nextBytes(b);
    ByteArrayOutputStream mixed = new ByteArrayOutputStream();
    for (int i = 0; i < 16; i++) {
      mixed.write(a, i * CHUNK, CHUNK);
      mixed.write(b, i * CHUNK, CHUNK);
    }
    Path src = Files.createDirectories(dir.resolve("src"));
    Files.write(src.resolve("a"), a);
    Files.write(src.resolve("b"), b);
    BackupOptions opts = BackupOptions.defaults().withChunkBytes(CHUNK);
    Path repoDir = dir.resolve("repo");
    try (Repository r = Repository.init(LocalBackend.open(repoDir), "pw".getBytes(),
        new Kdf.Params(1024, 8, 1))) {
      Backups.underLock(r, new Archiver(r, opts, new Progress()),
          List.of(FileSource.of(src.resolve("a")), FileSource.of(src.resolve("b"))));
    }
    Files.write(src.resolve("mixed"), mixed.toByteArray());
    CountingBackend counting = new CountingBackend(LocalBackend.open(repoDir));
    try (Repository r = Repository.open(counting, "pw".getBytes())) {
      Snapshot s = Backups.underLock(r, new Archiver(r, opts, new Progress()),
          List.of(FileSource.of(src.resolve("mixed")))).snapshot();
      var node = new Restorer(r, 2, new Progress()).findNode(s,
          src.resolve("mixed").toString());
      Set<Id> packs = new HashSet<>();
      for (Id id : node.content()) {
        packs.add(r.index().find(BlobType.DATA, id).orElseThrow().pack());
      }
      assertThat(node.content()).hasSize(32);

      counting.packReads.clear();
      Path out = dir.resolve("restored");
      new Restorer(r, 2, new Progress()).restorePath(s, src.resolve("mixed").toString(), out);

      assertThat(Files.readAllBytes(out)).isEqualTo(mixed.toByteArray());
      // One read per data pack (the old plan read each of the 32 blobs on its own); the
      // other reads are of the trees on the way to the file.
      List<String> dataReads = counting.packReads.stream()
          .filter(name -> packs.stream().anyMatch(p -> p.toString().equals(name))).toList();
      assertThat(dataReads).hasSize(packs.size());
      assertThat(packs.size()).isLessThan(32);
    }
  }
}
