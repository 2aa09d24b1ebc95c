package dev.bulwark.sqlite.fold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.FileType;
import dev.bulwark.core.Id;
import dev.bulwark.core.Progress;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.restore.Restorer;
import dev.bulwark.core.stream.FoldResult;
import dev.bulwark.core.stream.SegmentChainException;
import dev.bulwark.core.stream.SegmentRef;
import dev.bulwark.core.stream.SnapshotFolder;
import dev.bulwark.core.stream.StreamTags;
import dev.bulwark.core.testing.Sqlite;
import dev.bulwark.core.testing.TestRepositories;
import dev.bulwark.core.tree.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots folded from a real SQLite database's changes: the restored file is byte for byte
 * the database copied at the folded position, only chunks with changed pages are stored anew,
 * a fresh backup of the same bytes shares every blob, growth and shrink work, and a segment
 * list that does not continue the snapshot is refused before anything is written.
 */
class SnapshotFolderTest {
  private static final int PAGE = 4096;
  /** Small chunks, so a few changed rows leave most chunks of a small database unchanged. */
  private static final BackupOptions OPTIONS =
      TestRepositories.OPTIONS.withChunkBytes(16 * 1024);

  @TempDir Path dir;
  private Repository repo;
  private HandMadeStream stream;

  @BeforeEach
  void setUp() throws Exception {
    repo = TestRepositories.init(LocalBackend.open(dir.resolve("repo")));
    stream = new HandMadeStream(repo, dir, PAGE);
    Sqlite.sql(stream.db, "PRAGMA page_size=" + PAGE,
        "CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)",
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 8000)"
            + " INSERT INTO t SELECT i, randomblob(200) FROM n");
  }

  @AfterEach
  void tearDown() throws Exception {
    repo.close();
  }

  @Test
  void foldedSnapshotRestoresToTheDatabaseAtThatPositionAndStoresOnlyChangedChunks()
      throws Exception {
    Snapshot base = stream.startSnapshot(OPTIONS);
    List<SegmentRef> refs = List.of(
        stream.change(1, "UPDATE t SET v = randomblob(200) WHERE id IN (17, 4000)"),
        stream.change(4, "UPDATE t SET v = randomblob(200) WHERE id = 4001",
            "UPDATE t SET v = randomblob(200) WHERE id = 7990"),
        stream.change(1, "UPDATE t SET v = randomblob(200) WHERE id = 17"));
    byte[] expected = stream.copyAt(6);
    byte[] start = stream.copyAt(0);
    assertThat(expected.length).isEqualTo(start.length);

    FoldResult r = fold(base, refs);

    assertThat(restored(r.snapshot())).isEqualTo(expected);
    assertThat(integrityCheck(dir.resolve("restored.db"))).isEqualTo("ok");
    int chunk = OPTIONS.chunkBytesFor(PAGE);
    Set<Integer> changed = changedChunks(start, expected, chunk);
    assertThat(changed).isNotEmpty();
    assertThat(changed.size()).isLessThan(expected.length / chunk / 4);
    // Each changed chunk stored once although two segments touched some; plus the root tree
    // and one tree per folder down to the file: as many trees as the path has names.
    int trees = stream.image.getNameCount();
    assertThat(r.chunksWritten()).isEqualTo(changed.size());
    assertThat(r.newBlobs()).isEqualTo(changed.size() + trees);
    // Every unchanged chunk keeps its id.
    List<Id> before = node(base).content();
    List<Id> after = node(r.snapshot()).content();
    assertThat(after).hasSameSizeAs(before);
    for (int k = 0; k < before.size(); k++) {
      assertThat(after.get(k).equals(before.get(k))).as("chunk %d", k)
          .isEqualTo(!changed.contains(k));
    }
  }

  @Test
  void eightSegmentsOverTheMemoryBudgetStoreEachChangedChunkOnceAndLeaveNoSpillFile()
      throws Exception {
    Snapshot base = stream.startSnapshot(OPTIONS);
    List<SegmentRef> refs = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      // 1% of the rows each, the same rows every other segment: chunks touched several times.
      refs.add(stream.change(1, "UPDATE t SET v = randomblob(200) WHERE id % 100 = "
          + (i % 2 == 0 ? 7 : 7 + i)));
    }
    byte[] start = stream.copyAt(0);
    byte[] expected = stream.copyAt(8);
    Path spill = Files.createDirectories(dir.resolve("spill"));

    FoldResult r;
    try (Lock lock = repo.lock(false)) {
      r = new SnapshotFolder(repo, OPTIONS, 8 * PAGE, spill).fold(lock, base, refs);
    }

    assertThat(restored(r.snapshot())).isEqualTo(expected);
    assertThat(integrityCheck(dir.resolve("restored.db"))).isEqualTo("ok");
    Set<Integer> changed = changedChunks(start, expected, OPTIONS.chunkBytesFor(PAGE));
    // More changed pages than the budget holds, each changed chunk stored once all the same.
    assertThat(changed.size() * OPTIONS.chunkBytesFor(PAGE)).isGreaterThan(8 * PAGE);
    assertThat(r.chunksWritten()).isEqualTo(changed.size());
    try (var left = Files.list(spill)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void foldedSnapshotCarriesTheBasesMetadataWithTheNewPositionAndTime() throws Exception {
    Snapshot base = stream.startSnapshot(OPTIONS);
    SegmentRef ref = stream.change(3, "DELETE FROM t WHERE id % 97 = 0");

    FoldResult r = fold(base, List.of(ref));

    Snapshot s = repo.loadSnapshot(r.snapshot().id());
    assertThat(s.parent()).isEqualTo(base.id());
    assertThat(s.paths()).isEqualTo(base.paths());
    assertThat(s.hostname()).isEqualTo(base.hostname());
    assertThat(s.time()).isEqualTo(new dev.bulwark.core.stream.SegmentStore(repo).load(ref)
        .lastCommit());
    DatabaseTags tags = DatabaseTags.fromTags(s.tags()).orElseThrow();
    StreamTags position = StreamTags.of(tags).orElseThrow();
    assertThat(position).isEqualTo(new StreamTags(HandMadeStream.ID,
        HandMadeStream.GENERATION, 3, HandMadeStream.checksum(stream.copyAt(3), PAGE)));
    assertThat(tags.properties()).containsEntry("page-count",
        Long.toString(stream.copyAt(3).length / PAGE));
    assertThat(s.tags()).hasSameSizeAs(base.tags());
    Node file = node(s);
    assertThat(file.size()).isEqualTo(stream.copyAt(3).length);
    assertThat(file.mtime()).isEqualTo(s.time());
    assertThat(file.mode()).isEqualTo(node(base).mode());
  }

  @Test
  void aFreshBackupOfTheSameBytesSharesEveryBlobWithTheFoldedSnapshot() throws Exception {
    Snapshot base = stream.startSnapshot(OPTIONS);
    FoldResult r = fold(base, List.of(stream.change(1,
        "UPDATE t SET v = randomblob(300) WHERE id BETWEEN 100 AND 140")));
    Snapshot fresh = stream.backup(stream.copyAt(1), OPTIONS,
        new StreamTags(HandMadeStream.ID, HandMadeStream.GENERATION, 1,
            HandMadeStream.checksum(stream.copyAt(1), PAGE)));

    assertThat(node(r.snapshot()).content()).isEqualTo(node(fresh).content());
  }

  @Test
  void foldsGrowthAndShrinkAndFoldsOntoAFoldedSnapshot() throws Exception {
    Snapshot base = stream.startSnapshot(OPTIONS);
    SegmentRef grow = stream.change(2,
        "WITH RECURSIVE n(i) AS (SELECT 8001 UNION ALL SELECT i + 1 FROM n WHERE i < 12000)"
            + " INSERT INTO t SELECT i, randomblob(200) FROM n");
    // An odd number of pages, so the last chunk is a partial one.
    SegmentRef shrink = stream.change(1, "DELETE FROM t WHERE id > 1500", "VACUUM");
    SegmentRef growAgain = stream.change(1,
        "INSERT INTO t SELECT id + 20000, randomblob(1000) FROM t WHERE id < 300");
    assertThat(stream.copyAt(2).length).isGreaterThan(stream.copyAt(0).length);
    assertThat(stream.copyAt(3).length).isLessThan(stream.copyAt(0).length / 4);
    assertThat(stream.copyAt(4).length).isGreaterThan(stream.copyAt(3).length);

    FoldResult grown = fold(base, List.of(grow));
    assertThat(restored(grown.snapshot())).isEqualTo(stream.copyAt(2));
    FoldResult shrunk = fold(grown.snapshot(), List.of(shrink));
    assertThat(restored(shrunk.snapshot())).isEqualTo(stream.copyAt(3));
    assertThat(node(shrunk.snapshot()).content()).hasSize(
        (stream.copyAt(3).length + OPTIONS.chunkBytes() - 1) / OPTIONS.chunkBytes());
    FoldResult all = fold(base, List.of(grow, shrink, growAgain));
    assertThat(restored(all.snapshot())).isEqualTo(stream.copyAt(4));
    assertThat(integrityCheck(dir.resolve("restored.db"))).isEqualTo("ok");
    FoldResult onFolded = fold(shrunk.snapshot(), List.of(growAgain));
    assertThat(node(onFolded.snapshot()).content()).isEqualTo(node(all.snapshot()).content());
  }

  @Test
  void aBaseChunkedWithAnotherSizeIsRechunkedAsAFreshBackupWould() throws Exception {
    Snapshot base = stream.startSnapshot(OPTIONS.withChunkBytes(64 * 1024));
    FoldResult r = fold(base, List.of(stream.change(1,
        "UPDATE t SET v = randomblob(200) WHERE id = 5")));
    Snapshot fresh = stream.backup(stream.copyAt(1), OPTIONS,
        new StreamTags(HandMadeStream.ID, HandMadeStream.GENERATION, 1,
            HandMadeStream.checksum(stream.copyAt(1), PAGE)));

    assertThat(restored(r.snapshot())).isEqualTo(stream.copyAt(1));
    assertThat(node(r.snapshot()).content()).isEqualTo(node(fresh).content());
  }

  @Test
  void aGapInTheSegmentsIsRefusedBeforeAnythingIsWritten() throws Exception {
    Snapshot base = stream.startSnapshot(OPTIONS);
    SegmentRef first = stream.change(1, "UPDATE t SET v = randomblob(200) WHERE id = 1");
    stream.change(2, "UPDATE t SET v = randomblob(200) WHERE id = 2");
    SegmentRef third = stream.change(1, "UPDATE t SET v = randomblob(200) WHERE id = 3");
    long files = repositoryFiles();

    assertThatThrownBy(() -> fold(base, List.of(first, third)))
        .isInstanceOf(SegmentChainException.class)
        .hasMessageContaining("gap").hasMessageContaining("positions 2..3 are missing");
    assertThatThrownBy(() -> fold(base, List.of(third)))
        .isInstanceOf(SegmentChainException.class).hasMessageContaining("positions 1..3");
    assertThatThrownBy(() -> fold(base, List.of(first, first)))
        .isInstanceOf(SegmentChainException.class).hasMessageContaining("already covers");
    assertThat(repositoryFiles()).isEqualTo(files);
  }

  @Test
  void aSegmentFromAnotherStateIsRefusedAndNoSnapshotIsSaved() throws Exception {
    Snapshot base = stream.startSnapshot(OPTIONS);
    stream.change(1, "UPDATE t SET v = randomblob(200) WHERE id = 1");
    // A snapshot claiming position 1 while holding the database at position 0.
    Snapshot wrong = stream.backup(stream.copyAt(0), OPTIONS, new StreamTags(HandMadeStream.ID,
        HandMadeStream.GENERATION, 1, HandMadeStream.checksum(stream.copyAt(1), PAGE)));
    SegmentRef second = stream.change(1, "UPDATE t SET v = randomblob(200) WHERE id = 4000");
    SegmentRef other = new SegmentRef("other.db", HandMadeStream.GENERATION, 2, 2, 0);
    int snapshots = repo.list(FileType.SNAPSHOT).size();

    assertThatThrownBy(() -> fold(base, List.of(second)))
        .isInstanceOf(SegmentChainException.class);
    assertThatThrownBy(() -> fold(wrong, List.of(other)))
        .isInstanceOf(SegmentChainException.class).hasMessageContaining("other.db");
    // Positions chain, checksums chain, but the image does not reach the state the segment
    // says: the snapshot does not hold what its tags claim.
    assertThatThrownBy(() -> fold(wrong, List.of(second)))
        .isInstanceOf(dev.bulwark.core.CorruptionException.class)
        .hasMessageContaining("does not hold what it should");
    assertThat(repo.list(FileType.SNAPSHOT)).hasSize(snapshots);
    assertThat(repo.snapshots().stream().map(Snapshot::id).toList()).contains(base.id());
  }

  @Test
  void aDamagedSegmentIsNamedAndNoSnapshotIsSaved() throws Exception {
    Snapshot base = stream.startSnapshot(OPTIONS);
    List<SegmentRef> refs = new java.util.ArrayList<>();
    for (int i = 0; i < 12; i++) {
      refs.add(stream.change(1, "UPDATE t SET v = randomblob(200) WHERE id = " + (i * 500 + 1)));
    }
    Path damaged = dir.resolve("repo").resolve(refs.get(9).toString());
    byte[] bytes = Files.readAllBytes(damaged);
    bytes[bytes.length / 2] ^= 0x10;
    Files.write(damaged, bytes);
    int snapshots = repo.list(FileType.SNAPSHOT).size();

    assertThatThrownBy(() -> fold(base, refs))
        .isInstanceOf(dev.bulwark.core.CorruptionException.class)
        .hasMessageContaining(refs.get(9).toString());
    assertThat(repo.list(FileType.SNAPSHOT)).hasSize(snapshots);
    // The ones before it fold.
    assertThat(restored(fold(base, refs.subList(0, 9)).snapshot()))
        .isEqualTo(stream.copyAt(9));
  }

  private FoldResult fold(Snapshot base, List<SegmentRef> refs) throws Exception {
    try (Lock lock = repo.lock(false)) {
      return new SnapshotFolder(repo, OPTIONS).fold(lock, base, refs);
    }
  }

  private Node node(Snapshot s) throws Exception {
    return new Restorer(repo, 2, new Progress()).findNode(s, stream.image.toString());
  }

  private byte[] restored(Snapshot s) throws Exception {
    Path out = dir.resolve("restored.db");
    Files.deleteIfExists(out);
    new Restorer(repo, 2, new Progress()).restorePath(s, stream.image.toString(), out);
    return Files.readAllBytes(out);
  }

  private long repositoryFiles() throws Exception {
    try (var files = Files.walk(dir.resolve("repo"))) {
      return files.filter(Files::isRegularFile).filter(f -> !f.toString().contains("/locks/"))
          .count();
    }
  }

  static Set<Integer> changedChunks(byte[] a, byte[] b, int chunk) {
    Set<Integer> changed = new TreeSet<>();
    for (int k = 0; (long) k * chunk < Math.max(a.length, b.length); k++) {
      int from = k * chunk;
      if (!Arrays.equals(Arrays.copyOfRange(a, Math.min(from, a.length),
          Math.min(from + chunk, a.length)), Arrays.copyOfRange(b, Math.min(from, b.length),
          Math.min(from + chunk, b.length)))) {
        changed.add(k);
      }
    }
    return changed;
  }

  static String integrityCheck(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
      return rs.getString(1);
    }
  }
}
