package dev.bulwark.core.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.FileType;
import dev.bulwark.core.Progress;
import dev.bulwark.core.backend.Handle;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.testing.FaultyBackend;
import dev.bulwark.core.testing.FaultyBackend.Op;
import dev.bulwark.core.testing.TestRepositories;
import dev.bulwark.core.tree.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restoring when a blob cannot be had (its pack missing, damaged or cut short): the error names
 * the file it belongs to, and no partial file is left at the target, under its name or as a
 * temporary file.
 */
class RestoreFaultTest {
  @TempDir Path dir;
  private FaultyBackend backend;
  private Repository repo;
  private Snapshot snapshot;
  private Path src;
  /** The pack holding the second blob of big.bin (not its first, so writing has begun). */
  private Handle bigPack;

  @BeforeEach
  void snapshotOfTwoFiles() throws Exception {
    backend = new FaultyBackend(LocalBackend.open(dir.resolve("repo")));
    repo = TestRepositories.init(backend);
    src = dir.resolve("src");
    TestRepositories.randomFile(src.resolve("big.bin"), 3 << 20, 7);
    Files.writeString(src.resolve("small.txt"), "small");
    snapshot = TestRepositories.backup(repo, src);
    Node big = new Restorer(repo, 2, new Progress()).findNode(snapshot,
        src.resolve("big.bin").toString());
    bigPack = Handle.of(FileType.PACK,
        repo.index().find(BlobType.DATA, big.content().get(20)).orElseThrow().pack());
    Node small = new Restorer(repo, 2, new Progress()).findNode(snapshot,
        src.resolve("small.txt").toString());
    assertThat(repo.index().find(BlobType.DATA, small.content().get(0)).orElseThrow().pack()
        .toString()).isNotEqualTo(bigPack.name());
  }

  @AfterEach
  void close() throws IOException {
    repo.close();
  }

  private void assertRestoreFailsNaming(String message) throws IOException {
    Path target = dir.resolve("target");
    assertThatThrownBy(() -> new Restorer(repo, 2, new Progress()).restore(snapshot, target,
        List.of())).isInstanceOf(CorruptionException.class)
        .hasMessageContaining("big.bin").hasMessageContaining(message);
    Path restoredDir = target.resolve(src.toString().substring(1));
    assertThat(restoredDir.resolve("big.bin")).doesNotExist();
    try (Stream<Path> all = Files.walk(target)) {
      assertThat(all.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
          .allMatch(n -> n.equals("small.txt"));
    }
  }

  @Test
  void aMissingPack() throws Exception {
    backend.inner().delete(bigPack);
    assertRestoreFailsNaming("is missing");
  }

  @Test
  void aDamagedBlob() throws Exception {
    backend.on(Op.LOAD).file(bigPack).always().corrupt();
    assertRestoreFailsNaming("verification failed");
  }

  @Test
  void aTruncatedPack() throws Exception {
    backend.on(Op.LOAD).file(bigPack).always().truncate(1 << 20);
    assertRestoreFailsNaming("is truncated");
  }

  @Test
  void aPathRestoreLeavesNothingAtItsDestination() throws Exception {
    backend.on(Op.LOAD).file(bigPack).always().corrupt();
    Path staging = dir.resolve("staging.bin");
    assertThatThrownBy(() -> new Restorer(repo, 2, new Progress()).restorePath(snapshot,
        src.resolve("big.bin").toString(), staging))
        .isInstanceOf(CorruptionException.class).hasMessageStartingWith(staging + ": pack ");
    try (Stream<Path> all = Files.list(dir)) {
      assertThat(all.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("repo",
          "src");
    }
  }
}
