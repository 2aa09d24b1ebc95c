package dev.bulwark.core.prune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.FileType;
import dev.bulwark.core.Id;
import dev.bulwark.core.Progress;
import dev.bulwark.core.backend.Handle;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.backup.Archiver;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.backup.FileSource;
import dev.bulwark.core.check.CheckResult;
import dev.bulwark.core.check.Checker;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.index.IndexFile;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.PackUploader;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.restore.Restorer;
import dev.bulwark.core.testing.Backups;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prune against real repositories built by the archiver: three snapshots of a file whose
 * 64 KiB chunks change here and there, with 1 MiB packs, so that forgetting the first snapshot
 * leaves fully unused, partly used and fully used packs.
 */
class PrunerTest {
  private static final Kdf.Params FAST = new Kdf.Params(1024, 8, 1);
  private static final byte[] PW = "pw".getBytes(StandardCharsets.UTF_8);
  private static final long SEED = Long.getLong("bulwark.test.seed", System.nanoTime());
  private static final int FILE_BYTES = 6 << 20;

  @TempDir Path dir;
  private Path repoDir;
  private Path src;
  private final List<Snapshot> snapshots = new ArrayList<>();
  /** Per snapshot: file content hashes at backup time. */
  private final List<Map<String, String>> hashes = new ArrayList<>();

  @BeforeEach
  void threeSnapshotsOfAChangingFile() throws Exception {
    System.out.println("PrunerTest seed " + SEED);
    repoDir = dir.resolve("repo");
    src = Files.createDirectories(dir.resolve("src"));
    SplittableRandom random = new SplittableRandom(SEED);
    byte[] content = new byte[FILE_BYTES];
    random.nextBytes(content);
    Files.write(src.resolve("a.bin"), content);
    Files.writeString(src.resolve("v1-only.txt"), "only in the first snapshot");
    try (Repository r = Repository.init(LocalBackend.open(repoDir), PW, FAST)) {
      backup(r);
      for (int round = 0; round < 2; round++) {
        // Change one 64 KiB chunk in every four, so each 1 MiB pack loses a few blobs.
        for (int chunk = round; chunk < FILE_BYTES / 65536; chunk += 4) {
          byte[] fresh = new byte[65536];
          random.nextBytes(fresh);
          System.arraycopy(fresh, 0, content, chunk * 65536, fresh.length);
        }
        Files.write(src.resolve("a.bin"), content);
        Files.deleteIfExists(src.resolve("v1-only.txt"));
        Files.writeString(src.resolve("round.txt"), "round " + round);
        backup(r);
      }
    }
  }

  private void backup(Repository r) throws Exception {
    BackupOptions opts = BackupOptions.defaults().withPackBytes(1 << 20).withThreads(2);
    snapshots.add(Backups.underLock(r, new Archiver(r, opts, new Progress()),
        List.of(FileSource.of(src))).snapshot());
    hashes.add(hashes(src, src));
  }

  private Repository open() throws Exception {
    return Repository.open(LocalBackend.open(repoDir), PW);
  }

  private PruneResult prune(PruneOptions opts) throws Exception {
    try (Repository r = open(); Lock lock = r.lock(true)) {
      return new Pruner(r, lock, opts, new Progress()).run();
    }
  }

  private void forget(int i) throws Exception {
    LocalBackend.open(repoDir).delete(Handle.of(FileType.SNAPSHOT, snapshots.get(i).id()));
  }

  @Test
  void aLongLivedRepositoryDoesNotDeduplicateAgainstPacksAPruneElsewhereDeleted()
      throws Exception {
    try (Repository longLived = open()) {
      // Another process forgets everything and prunes: every pack goes.
      for (int i = 0; i < snapshots.size(); i++) {
        forget(i);
      }
      prune(PruneOptions.defaults().withMaxUnusedPercent(0));
      assertThat(LocalBackend.open(repoDir).exists()).isTrue();
      // The long-lived process backs up the same files again: it must store them anew, not
      // point at blobs its stale index still lists.
      Snapshot again = Backups.underLock(longLived, new Archiver(longLived,
          BackupOptions.defaults().withThreads(2), new Progress()), List.of(FileSource.of(src)))
          .snapshot();
      assertThat(again.id()).isNotNull();
    }
    try (Repository r = open()) {
      CheckResult c = new Checker(r, 2, new Progress()).check(true);
      assertThat(c.errors()).isEmpty();
    }
  }

  @Test
  void pruneRepacksPartlyUsedPacksAndEveryRemainingSnapshotRestores() throws Exception {
    forget(0);
    long before = packBytes();
    PruneResult r = prune(PruneOptions.defaults().withMaxUnusedPercent(0)
        .withPackBytes(1 << 20));
    System.out.println("PrunerTest: " + r);
    assertThat(r.dryRun()).isFalse();
    assertThat(r.packsRepacked()).as("partly used packs repacked").isPositive();
    assertThat(r.unusedBytesLeft()).as("--max-unused 0 leaves nothing unused").isZero();
    assertThat(r.bytesBefore()).isEqualTo(before);
    assertThat(packBytes()).isEqualTo(r.bytesAfter()).isLessThan(before);
    assertThat(before - packBytes()).as("about a quarter of the first snapshot's chunks and "
        + "its small file were freed").isGreaterThan(FILE_BYTES / 4 - (256 << 10));
    assertThat(repoFiles("index")).hasSize(1);
    verifyRemainingSnapshots(1);

    PruneResult again = prune(PruneOptions.defaults().withMaxUnusedPercent(0));
    assertThat(again.nothingToDo()).as(again.toString()).isTrue();
    assertThat(packBytes()).isEqualTo(r.bytesAfter());
  }

  @Test
  void maxUnusedOfAHundredPercentOnlyDeletesFullyUnusedPacks() throws Exception {
    forget(0);
    forget(1);
    PruneResult r = prune(PruneOptions.defaults().withMaxUnusedPercent(100));
    assertThat(r.packsRepacked()).isZero();
    assertThat(r.packsDeleted()).isPositive();
    assertThat(r.unusedBytesLeft()).isPositive();
    verifyRemainingSnapshots(2);
    // The default 5% then repacks some of what was left.
    PruneResult d = prune(PruneOptions.defaults());
    assertThat(d.packsRepacked()).isPositive();
    assertThat(d.unusedBytesLeft()).isLessThanOrEqualTo((long) (d.bytesAfter() * 0.05));
    verifyRemainingSnapshots(2);
  }

  @Test
  void dryRunChangesNothingAndPredictsThePrune() throws Exception {
    forget(0);
    Map<String, Long> before = listing();
    PruneResult plan = prune(PruneOptions.defaults().withMaxUnusedPercent(0)
        .withMode(PruneOptions.Mode.DRY_RUN));
    assertThat(plan.dryRun()).isTrue();
    assertThat(listing()).isEqualTo(before);
    PruneResult real = prune(PruneOptions.defaults().withMaxUnusedPercent(0));
    assertThat(plan.packsDeleted()).isEqualTo(real.packsDeleted()).isPositive();
    assertThat(plan.packsRepacked()).isEqualTo(real.packsRepacked()).isPositive();
    assertThat(plan.bytesRepacked()).isEqualTo(real.bytesRepacked());
    assertThat(plan.bytesAfter()).isCloseTo(real.bytesAfter(),
        org.assertj.core.data.Percentage.withPercentage(1));
  }

  @Test
  void refusesWhenASnapshotNeedsAMissingBlobAndChangesNothing() throws Exception {
    // Every snapshot is kept, so every pack holds something a snapshot needs.
    Path victim = repoFiles("data").get(0);
    Files.delete(victim);
    Map<String, Long> before = listing();
    assertThatThrownBy(() -> prune(PruneOptions.defaults()))
        .isInstanceOf(CorruptionException.class).hasMessageContaining("is missing")
        .hasMessageMatching(".*(tree|data blob) [0-9a-f]{8}.*");
    assertThat(listing()).isEqualTo(before);
  }

  @Test
  void unindexedPacksAndTempFilesOfKilledWritersAreRemoved() throws Exception {
    Id orphan;
    try (Repository r = open()) {
      // A pack no index names, holding a copy of a stored blob: what a killed backup leaves.
      var b = r.loadIndexFile(r.list(FileType.INDEX).get(0)).packs().get(0);
      var blob = b.blobs().get(0);
      List<Id> stored = new ArrayList<>();
      PackUploader uploader = new PackUploader(r, 1 << 20, Runnable::run, 1,
          (pack, bytes) -> stored.add(pack.pack()));
      uploader.add(blob.type(), blob.id(), r.loadPackRange(b.pack(), blob.offset(),
          blob.length()), blob.uncompressedLength());
      uploader.flush();
      orphan = stored.get(0);
    }
    Path tmpPack = Files.writeString(repoDir.resolve("data/ab/" + "ab".repeat(32) + "-tmp-1"),
        "partial pack");
    Path tmpIndex = Files.writeString(repoDir.resolve("index/" + "cd".repeat(32) + "-tmp-2"),
        "partial index");
    // A lock being written right now by a process that takes no repository lock to do so.
    Path tmpLock = Files.writeString(repoDir.resolve("locks/" + "ef".repeat(32) + "-tmp-3"),
        "fresh lock");
    PruneResult r = prune(PruneOptions.defaults());
    assertThat(r.packsUnindexed()).isEqualTo(1);
    assertThat(r.tempFilesRemoved()).isEqualTo(2);
    assertThat(Files.exists(LocalBackend.open(repoDir).path(Handle.of(FileType.PACK, orphan))))
        .isFalse();
    assertThat(tmpPack).doesNotExist();
    assertThat(tmpIndex).doesNotExist();
    assertThat(tmpLock).exists();
    verifyRemainingSnapshots(0);
  }

  @Test
  void extraCopiesOfDuplicateBlobsAreDropped() throws Exception {
    // What two concurrent backups of the same data leave: a second pack, with its own index
    // file, holding copies of blobs another pack already has.
    try (Repository r = open()) {
      IndexFile first = r.loadIndexFile(r.list(FileType.INDEX).get(0));
      // Copies of the stored (sealed) blobs, in a pack with its own index file.
      Id source = first.packs().get(0).pack();
      List<dev.bulwark.core.index.PackBlobs> copies = new ArrayList<>();
      PackUploader uploader = new PackUploader(r, 1 << 20, Runnable::run, 1,
          (pack, bytes) -> copies.add(pack));
      for (var b : first.packs().get(0).blobs()) {
        uploader.add(b.type(), b.id(), r.loadPackRange(source, b.offset(), b.length()),
            b.uncompressedLength());
      }
      uploader.flush();
      r.saveUnpacked(FileType.INDEX, new IndexFile(List.of(), copies).toJson());
    }
    long before = packBytes();
    PruneResult res = prune(PruneOptions.defaults().withMaxUnusedPercent(0));
    assertThat(res.duplicateBlobs()).isPositive();
    assertThat(res.packsDeleted()).isPositive();
    assertThat(packBytes()).isLessThan(before);
    try (Repository r = open()) {
      int blobs = 0;
      for (Id i : r.list(FileType.INDEX)) {
        blobs += r.loadIndexFile(i).blobCount();
      }
      assertThat(blobs).as("each blob indexed once (extra copies count as unused)")
          .isEqualTo(r.index().blobCount());
    }
    verifyRemainingSnapshots(0);
  }

  /** check --read-data passes and snapshots {@code from}.. restore byte-identical. */
  private void verifyRemainingSnapshots(int from) throws Exception {
    try (Repository r = open()) {
      CheckResult c = new Checker(r, 2, new Progress()).check(true);
      assertThat(c.errors()).isEmpty();
      assertThat(c.hints()).isEmpty();
      assertThat(r.list(FileType.SNAPSHOT)).hasSize(snapshots.size() - from);
      for (int i = from; i < snapshots.size(); i++) {
        Path target = dir.resolve("restore-" + System.nanoTime());
        Snapshot s = r.loadSnapshot(snapshots.get(i).id());
        new Restorer(r, 2, new Progress()).restore(s, target, List.of());
        Path restored = target.resolve(src.toString().substring(1));
        assertThat(hashes(restored, restored)).as("snapshot %d", i).isEqualTo(hashes.get(i));
      }
    }
  }

  private long packBytes() throws IOException {
    long n = 0;
    for (Path p : repoFiles("data")) {
      n += Files.size(p);
    }
    return n;
  }

  private Map<String, Long> listing() throws IOException {
    Map<String, Long> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(repoDir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(repoDir.relativize(p).toString(), Files.size(p));
      }
    }
    return out;
  }

  private List<Path> repoFiles(String folder) throws IOException {
    try (Stream<Path> s = Files.walk(repoDir.resolve(folder))) {
      return s.filter(Files::isRegularFile)
          .filter(p -> Id.isValid(p.getFileName().toString())).sorted().toList();
    }
  }

  private static Map<String, String> hashes(Path root, Path base) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        out.put(base.relativize(f).toString(), HexFormat.of().formatHex(
            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
      }
    }
    return out;
  }
}
