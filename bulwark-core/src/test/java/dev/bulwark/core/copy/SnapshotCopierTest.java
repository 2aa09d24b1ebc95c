package dev.bulwark.core.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.FileType;
import dev.bulwark.core.Progress;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.job.CheckpointPolicy;
import dev.bulwark.core.job.JobYieldedException;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.restore.Restorer;
import dev.bulwark.core.testing.TestRepositories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SnapshotCopier} between real local repositories. */
class SnapshotCopierTest {
  private static final CopyOptions OPTIONS = CopyOptions.defaults().withPackBytes(1 << 20)
      .withThreads(2);

  @TempDir Path dir;

  @Test
  void copiedSnapshotRestoresIdenticalFromTheTargetAndNamesItsOriginal() throws Exception {
    Path data = dir.resolve("data");
    TestRepositories.randomFile(data.resolve("big.bin"), 3 << 20, 1);
    Files.writeString(Files.createDirectories(data.resolve("sub")).resolve("small.txt"), "small");
    try (Repository a = TestRepositories.init(LocalBackend.open(dir.resolve("a")));
        Repository b = TestRepositories.init(LocalBackend.open(dir.resolve("b")))) {
      Snapshot s = TestRepositories.backup(a, data);
      CopyResult result = copy(a, b, List.of(s));

      assertThat(result.copied()).isEqualTo(1);
      Snapshot copy = result.snapshots().get(0).target();
      assertThat(b.snapshots()).containsExactly(copy);
      assertThat(copy.original()).isEqualTo(s.id());
      assertThat(copy.tree()).isEqualTo(s.tree());
      assertThat(copy.time()).isEqualTo(s.time());
      assertThat(copy.paths()).isEqualTo(s.paths());
      assertThat(copy.parent()).isNull();
      assertThat(result.newBlobs()).isEqualTo(b.index().blobCount());
      assertThat(result.bytesAdded()).isPositive();

      Path out = dir.resolve("out");
      new Restorer(b, 2, new Progress()).restore(copy, out, List.of());
      Path restored = out.resolve(data.toString().substring(1));
      assertThat(Files.readAllBytes(restored.resolve("big.bin")))
          .isEqualTo(Files.readAllBytes(data.resolve("big.bin")));
      assertThat(Files.readString(restored.resolve("sub/small.txt"))).isEqualTo("small");
    }
  }

  @Test
  void aSnapshotWhoseTreeIsStreamedCopiesWithTheSameTreeAndRestoresIdentical() throws Exception {
    // Trees above 4 KiB of JSON take the streamed path on both sides: the file's 1,024 ids.
    String threshold = System.setProperty("bulwark.largeTreeBytes", "4096");
    try (Repository a = TestRepositories.init(LocalBackend.open(dir.resolve("a")));
        Repository b = TestRepositories.init(LocalBackend.open(dir.resolve("b")))) {
      Path file = TestRepositories.randomFile(dir.resolve("data/pages.db"), 4096 * 1024, 3);
      Snapshot s = dev.bulwark.core.testing.Backups.underLock(a,
          new dev.bulwark.core.backup.Archiver(a,
              TestRepositories.OPTIONS.withChunkBytes(4096), new Progress()),
          List.of(dev.bulwark.core.backup.FileSource.of(dir.resolve("data")))).snapshot();
      Snapshot copy = copy(a, b, List.of(s)).snapshots().get(0).target();
      assertThat(copy.tree()).isEqualTo(s.tree());
      dev.bulwark.core.Id[] fileTree = new dev.bulwark.core.Id[1];
      dev.bulwark.core.repo.TreeWalker.of(b, dev.bulwark.core.repo.TreeWalker.ErrorPolicy.STOP)
          .walk(copy.tree(), (parent, path, node) -> {
            if (path.equals(file.toString())) {
              fileTree[0] = parent;
            }
            return true;
          });
      assertThat(b.index().find(dev.bulwark.core.BlobType.TREE, fileTree[0]).orElseThrow()
          .blob().plaintextLength()).isGreaterThan(4096);
      assertThat(new dev.bulwark.core.check.Checker(b, 2, new Progress()).check(true).errors())
          .isEmpty();
      Path out = dir.resolve("out");
      new Restorer(b, 2, new Progress()).restore(copy, out, List.of());
      assertThat(Files.mismatch(out.resolve(file.toString().substring(1)), file)).isEqualTo(-1);
    } finally {
      if (threshold == null) {
        System.clearProperty("bulwark.largeTreeBytes");
      } else {
        System.setProperty("bulwark.largeTreeBytes", threshold);
      }
    }
  }

  @Test
  void secondCopyFindsTheSnapshotAndWritesNothing() throws Exception {
    TestRepositories.randomFile(dir.resolve("data/f.bin"), 2 << 20, 2);
    try (Repository a = TestRepositories.init(LocalBackend.open(dir.resolve("a")));
        Repository b = TestRepositories.init(LocalBackend.open(dir.resolve("b")))) {
      Snapshot s = TestRepositories.backup(a, dir.resolve("data"));
      Snapshot copy = copy(a, b, List.of(s)).snapshots().get(0).target();
      List<?> packs = b.list(FileType.PACK);
      List<?> indexes = b.list(FileType.INDEX);

      CopyResult again = copy(a, b, List.of(s, s));

      assertThat(again.snapshots()).extracting(SnapshotCopy::outcome).containsExactly(
          SnapshotCopy.Outcome.ALREADY_PRESENT, SnapshotCopy.Outcome.ALREADY_PRESENT);
      assertThat(again.snapshots().get(0).target().id()).isEqualTo(copy.id());
      assertThat(again.newBlobs()).isZero();
      assertThat(b.list(FileType.SNAPSHOT)).containsExactly(copy.id());
      assertThat(b.list(FileType.PACK)).containsExactlyInAnyOrderElementsOf(packs.stream()
          .map(dev.bulwark.core.Id.class::cast).toList());
      assertThat(b.list(FileType.INDEX)).hasSameSizeAs(indexes);
    }
  }

  @Test
  void aCopyOfACopyKeepsTheFirstOriginal() throws Exception {
    TestRepositories.randomFile(dir.resolve("data/f.bin"), 100_000, 3);
    try (Repository a = TestRepositories.init(LocalBackend.open(dir.resolve("a")));
        Repository b = TestRepositories.init(LocalBackend.open(dir.resolve("b")));
        Repository c = TestRepositories.init(LocalBackend.open(dir.resolve("c")))) {
      Snapshot s = TestRepositories.backup(a, dir.resolve("data"));
      Snapshot inB = copy(a, b, List.of(s)).snapshots().get(0).target();
      Snapshot inC = copy(b, c, List.of(inB)).snapshots().get(0).target();

      assertThat(inC.original()).isEqualTo(s.id());
      // c holds a copy of a's snapshot already: copying it from a finds it.
      assertThat(copy(a, c, List.of(s)).snapshots().get(0).outcome())
          .isEqualTo(SnapshotCopy.Outcome.ALREADY_PRESENT);
    }
  }

  @Test
  void chunkerParametersAreSharedOnlyWhenTheTargetWasCreatedWithTheSourcesOnes()
      throws Exception {
    TestRepositories.randomFile(dir.resolve("data/f.bin"), 300_000, 4);
    try (Repository a = TestRepositories.init(LocalBackend.open(dir.resolve("a")));
        Repository other = TestRepositories.init(LocalBackend.open(dir.resolve("b")));
        Repository same = Repository.init(LocalBackend.open(dir.resolve("c")),
            TestRepositories.PASSWORD, TestRepositories.FAST_KDF,
            a.config().chunkerPolynomial())) {
      Snapshot s = TestRepositories.backup(a, dir.resolve("data"));
      SnapshotCopier toOther = new SnapshotCopier(a, other, OPTIONS, new Progress());
      SnapshotCopier toSame = new SnapshotCopier(a, same, OPTIONS, new Progress());

      assertThat(toOther.sharesChunkerParameters()).isFalse();
      assertThat(toSame.sharesChunkerParameters()).isTrue();
      assertThat(same.config().id()).isNotEqualTo(a.config().id());
      // Other parameters do not stop the copy: the blobs are copied as they are.
      Snapshot copy = copy(a, other, List.of(s)).snapshots().get(0).target();
      Path out = dir.resolve("out");
      new Restorer(other, 2, new Progress()).restore(copy, out, List.of());
      assertThat(Files.readAllBytes(out.resolve(dir.resolve("data/f.bin").toString()
          .substring(1)))).isEqualTo(Files.readAllBytes(dir.resolve("data/f.bin")));
    }
  }

  @Test
  void copyStoppedAtACheckpointResumesReusingTheIndexedPacks() throws Exception {
    TestRepositories.randomFile(dir.resolve("data/f.bin"), 4 << 20, 5);
    try (Repository a = TestRepositories.init(LocalBackend.open(dir.resolve("a")));
        Repository b = TestRepositories.init(LocalBackend.open(dir.resolve("b")))) {
      Snapshot s = TestRepositories.backup(a, dir.resolve("data"));
      CopyOptions yielding = OPTIONS.withCheckpoints(new CheckpointPolicy(1, () -> "test"));
      assertThatThrownBy(() -> {
        try (Lock la = a.lock(false); Lock lb = b.lock(false)) {
          new SnapshotCopier(a, b, yielding, new Progress()).copy(la, lb, List.of(s), c -> { });
        }
      }).isInstanceOf(JobYieldedException.class);
      assertThat(b.list(FileType.SNAPSHOT)).isEmpty();
      assertThat(b.list(FileType.INDEX)).isNotEmpty();

      try (Repository reopened = TestRepositories.open(LocalBackend.open(dir.resolve("b")))) {
        int indexed = reopened.index().blobCount();
        assertThat(indexed).isPositive();
        CopyResult rest = copy(a, reopened, List.of(s));
        assertThat(rest.copied()).isEqualTo(1);
        assertThat(rest.newBlobs()).isEqualTo(reopened.index().blobCount() - indexed);
        assertThat(reopened.list(FileType.SNAPSHOT)).hasSize(1);
        Path out = dir.resolve("out");
        new Restorer(reopened, 2, new Progress()).restore(rest.snapshots().get(0).target(), out,
            List.of());
        assertThat(Files.readAllBytes(out.resolve(dir.resolve("data/f.bin").toString()
            .substring(1)))).isEqualTo(Files.readAllBytes(dir.resolve("data/f.bin")));
      }
    }
  }

  @Test
  void aDamagedSourceBlobStopsTheCopyBeforeItsSnapshotIsSaved() throws Exception {
    TestRepositories.randomFile(dir.resolve("data/f.bin"), 3 << 20, 6);
    Snapshot s;
    try (Repository a = TestRepositories.init(LocalBackend.open(dir.resolve("a")))) {
      s = TestRepositories.backup(a, dir.resolve("data"));
    }
    Path biggest;
    try (var packs = Files.walk(dir.resolve("a/data"))) {
      biggest = packs.filter(Files::isRegularFile)
          .max(java.util.Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(biggest);
    bytes[bytes.length / 3] ^= 1;
    Files.write(biggest, bytes);
    try (Repository a = TestRepositories.open(LocalBackend.open(dir.resolve("a")));
        Repository b = TestRepositories.init(LocalBackend.open(dir.resolve("b")))) {
      assertThatThrownBy(() -> copy(a, b, List.of(a.loadSnapshot(s.id()))))
          .isInstanceOf(dev.bulwark.core.CorruptionException.class)
          .hasMessageContaining(biggest.getFileName().toString());
      assertThat(b.list(FileType.SNAPSHOT)).isEmpty();
    }
  }

  private static CopyResult copy(Repository from, Repository to, List<Snapshot> snapshots)
      throws IOException, BulwarkException {
    List<SnapshotCopy> told = new ArrayList<>();
    CopyResult result;
    try (Lock la = from.lock(false); Lock lb = to.lock(false)) {
      result = new SnapshotCopier(from, to, OPTIONS, new Progress()).copy(la, lb, snapshots,
          told::add);
    }
    assertThat(told).isEqualTo(result.snapshots());
    return result;
  }
}
