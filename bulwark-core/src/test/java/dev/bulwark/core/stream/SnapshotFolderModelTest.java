package dev.bulwark.core.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.Id;
import dev.bulwark.core.Progress;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.backup.Archiver;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.backup.FileSource;
import dev.bulwark.core.index.BlobLocation;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.restore.Restorer;
import dev.bulwark.core.testing.Backups;
import dev.bulwark.core.testing.TestRepositories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The folder against a model: a file of pages changed, grown and cut at random, segment by
 * segment, folded under memory budgets down to one chunk (so patched chunks are stored early and
 * touched again) and with pages larger than chunks, onto bases chunked as the fold chunks and
 * otherwise. The folded file must be the model's bytes, chunked exactly as a fresh backup of a
 * database with those bytes. Real SQLite databases are folded in
 * bulwark-sqlite's tests; this one reaches the corners a real database rarely does.
 */
class SnapshotFolderModelTest {
  private static final long GENERATION = 7;
  @TempDir Path dir;
  private Repository repo;
  private Path image;
  private Path spill;

  @BeforeEach
  void setUp() throws Exception {
    repo = TestRepositories.init(LocalBackend.open(dir.resolve("repo")));
    image = Files.createDirectories(dir.resolve("db")).resolve("model.db");
    spill = Files.createDirectories(dir.resolve("spill"));
  }

  @AfterEach
  void tearDown() throws Exception {
    repo.close();
  }

  @Test
  void randomChangesGrowthAndShrinkFoldToTheModelUnderAOneChunkBudget() throws Exception {
    BackupOptions options = TestRepositories.OPTIONS.withChunkBytes(8192);
    run(new SplittableRandom(1), options, 4096, 8192, 12);
  }

  @Test
  void aMemoryBudgetOfManyChunksGivesTheSameSnapshotContent() throws Exception {
    BackupOptions options = TestRepositories.OPTIONS.withChunkBytes(16384);
    run(new SplittableRandom(2), options, 1024, 1 << 20, 10);
  }

  @Test
  void pagesLargerThanChunksSpanSeveralChunks() throws Exception {
    // 16 KiB chunks cannot hold a 64 KiB page: a backup cuts 4 KiB chunks, as the fold must.
    BackupOptions options = TestRepositories.OPTIONS.withChunkBytes(16384);
    assertThat(options.chunkBytesFor(65536)).isEqualTo(4096);
    run(new SplittableRandom(3), options, 65536, 4096, 6);
  }

  @Test
  void aFoldWithoutALockHeldOnTheRepositoryIsRefused() throws Exception {
    BackupOptions options = TestRepositories.OPTIONS;
    Snapshot base = backup(new byte[4096 * 4], options, 4096, 0);
    Lock released = repo.lock(false);
    released.close();
    SegmentRef ref = new SegmentRef("model.db", GENERATION, 1, 1, 0);
    assertThatThrownBy(() -> new SnapshotFolder(repo, options).fold(released, base,
        List.of(ref))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lock");
  }

  @Test
  void aForgedSegmentInTheMiddleIsRefusedWithNoSnapshotAndNoSpillFileLeft() throws Exception {
    BackupOptions options = TestRepositories.OPTIONS.withChunkBytes(8192);
    int pageSize = 4096;
    SplittableRandom random = new SplittableRandom(5);
    byte[] file = new byte[pageSize * 64];
    random.nextBytes(file);
    Snapshot base = backup(file, options, pageSize, 0);
    SegmentStore store = new SegmentStore(repo);
    List<SegmentRef> refs = new ArrayList<>();
    Instant time = Instant.parse("2026-12-01T00:00:00Z");
    for (int i = 0; i < 5; i++) {
      byte[] before = file;
      file = mutate(random, file, pageSize);
      Segment s = segment(before, file, pageSize, i + 1, i + 1, time.plusSeconds(i));
      if (i == 2) {
        // Same positions and declared states, one page's bytes not what the states say: the
        // chain of before/after still holds, only the deferred check can catch it.
        List<Page> pages = new ArrayList<>(s.pages());
        byte[] forged = pages.get(0).bytes().clone();
        forged[0] ^= 1;
        pages.set(0, new Page(pages.get(0).number(), forged));
        s = new Segment(GENERATION, s.firstTxid(), s.lastTxid(), pageSize, s.pageCount(),
            s.before(), s.after(), s.firstCommit(), s.lastCommit(), pages);
      }
      refs.add(store.save("model.db", s));
    }
    try (Lock lock = repo.lock(false)) {
      assertThatThrownBy(() -> new SnapshotFolder(repo, options, 8192, spill).fold(lock, base,
          refs)).isInstanceOf(CorruptionException.class).hasMessageContaining(
              "after " + refs.get(2));
    }
    assertThat(repo.snapshots()).extracting(Snapshot::id).containsExactly(base.id());
    try (var left = Files.list(spill)) {
      assertThat(left).isEmpty();
    }
  }

  /**
   * A base chunk the fold has to read is damaged, then its pack is gone: either way the fold
   * names the pack and saves no snapshot. Chunks are read a run at a time, one ranged read for
   * the blobs that lie together in a pack; a damaged one among them is still caught by its own
   * MAC and id.
   */
  @Test
  void aDamagedOrMissingBaseChunkIsNamedAndNoSnapshotIsSaved() throws Exception {
    BackupOptions options = TestRepositories.OPTIONS.withChunkBytes(8192);
    int pageSize = 4096;
    SplittableRandom random = new SplittableRandom(6);
    byte[] file = new byte[pageSize * 64];
    random.nextBytes(file);
    Snapshot base = backup(file, options, pageSize, 0);
    byte[] next = file.clone();
    for (int page : new int[] {8, 9, 11, 12, 30}) { // 0-based: chunks 4, 5, 6 (a run) and 15
      byte[] bytes = new byte[pageSize];
      random.nextBytes(bytes);
      System.arraycopy(bytes, 0, next, page * pageSize, pageSize);
    }
    Instant time = Instant.parse("2026-12-01T00:00:00Z");
    List<SegmentRef> refs = List.of(new SegmentStore(repo).save("model.db",
        segment(file, next, pageSize, 1, 1, time)));
    List<Id> content = new Restorer(repo, 2, new Progress()).findNode(base, image.toString())
        .content();
    BlobLocation loc = repo.index().find(BlobType.DATA, content.get(5)).orElseThrow();
    Path pack = dir.resolve("repo/data").resolve(loc.pack().toString().substring(0, 2))
        .resolve(loc.pack().toString());
    byte[] intact = Files.readAllBytes(pack);
    byte[] damaged = intact.clone();
    damaged[Math.toIntExact(loc.blob().offset()) + 20] ^= 0x40;
    Files.write(pack, damaged);
    try (Lock lock = repo.lock(false)) {
      assertThatThrownBy(() -> new SnapshotFolder(repo, options, 8192, spill).fold(lock, base,
          refs)).isInstanceOf(CorruptionException.class)
          .hasMessageContaining("pack " + loc.pack())
          .hasMessageContaining(loc.blob().id().shortForm());
    }
    Files.delete(pack);
    try (Lock lock = repo.lock(false)) {
      assertThatThrownBy(() -> new SnapshotFolder(repo, options, 8192, spill).fold(lock, base,
          refs)).isInstanceOf(CorruptionException.class)
          .hasMessageContaining("pack " + loc.pack()).hasMessageContaining("is missing");
    }
    assertThat(repo.snapshots()).extracting(Snapshot::id).containsExactly(base.id());
    Files.write(pack, intact);
    FoldResult r;
    try (Lock lock = repo.lock(false)) {
      r = new SnapshotFolder(repo, options, 8192, spill).fold(lock, base, refs);
    }
    Path out = dir.resolve("out.db");
    new Restorer(repo, 2, new Progress()).restorePath(r.snapshot(), image.toString(), out);
    assertThat(Files.readAllBytes(out)).isEqualTo(next);
    assertThat(r.chunksWritten()).isEqualTo(4);
  }

  private void run(SplittableRandom random, BackupOptions options, int pageSize, long budget,
      int segmentCount) throws Exception {
    byte[] file = new byte[pageSize * (40 + random.nextInt(40))];
    random.nextBytes(file);
    Snapshot base = backup(file, options, pageSize, 0);
    SegmentStore store = new SegmentStore(repo);
    List<SegmentRef> refs = new ArrayList<>();
    Instant time = Instant.parse("2026-12-01T00:00:00Z");
    long txid = 0;
    byte[] start = file;
    Set<Long> touched = new HashSet<>();
    for (int i = 0; i < segmentCount; i++) {
      byte[] before = file;
      file = mutate(random, file, pageSize);
      Segment s = segment(before, file, pageSize, txid + 1, txid + 1 + random.nextInt(3),
          time.plusSeconds(i));
      txid = s.lastTxid();
      refs.add(store.save("model.db", s));
      s.pages().forEach(p -> touched.add(p.number()));
      long from = Math.min(before.length, file.length) / pageSize;
      long to = Math.max(before.length, file.length) / pageSize;
      for (long p = from + 1; p <= to; p++) {
        touched.add(p);
      }
    }
    FoldResult r;
    try (Lock lock = repo.lock(false)) {
      r = new SnapshotFolder(repo, options, budget, spill).fold(lock, base, refs);
    }
    Path out = dir.resolve("out.db");
    new Restorer(repo, 2, new Progress()).restorePath(r.snapshot(), image.toString(), out);
    assertThat(Files.readAllBytes(out)).isEqualTo(file);
    assertThat(file).isNotEqualTo(start);
    // Chunked as a backup of a database with these pages chunks it (a FileSource here would
    // not align to 64 KiB pages, so the expected ids are computed).
    int chunk = options.chunkBytesFor(pageSize);
    List<Id> expected = new ArrayList<>();
    for (int off = 0; off < file.length; off += chunk) {
      expected.add(Id.hash(Arrays.copyOfRange(file, off, Math.min(file.length, off + chunk))));
    }
    assertThat(new Restorer(repo, 2, new Progress()).findNode(r.snapshot(), image.toString())
        .content()).isEqualTo(expected);
    assertThat(StreamTags.of(DatabaseTags.fromTags(r.snapshot().tags()).orElseThrow()))
        .contains(new StreamTags("model.db", GENERATION, txid, checksum(file, pageSize)));
    // Each changed chunk stored once however many segments touched it, and the spill file
    // (used when the budget is below the changed pages) is gone.
    assertThat(r.chunksWritten()).isEqualTo(changedChunks(base, options, pageSize, start.length,
        file.length, touched));
    try (var left = Files.list(spill)) {
      assertThat(left).isEmpty();
    }
  }

  /**
   * The distinct chunks of the folded file that differ from the base's in place: a page in
   * them was written, grown or cut by some segment, or their length changed, or they are new;
   * every chunk when the base was chunked with another size.
   */
  private long changedChunks(Snapshot base, BackupOptions options, int pageSize, long baseSize,
      long finalSize, Set<Long> touched) throws Exception {
    int chunk = options.chunkBytesFor(pageSize);
    long finalChunks = (finalSize + chunk - 1) / chunk;
    List<Id> baseContent = new Restorer(repo, 2, new Progress()).findNode(base,
        image.toString()).content();
    if (baseContent.size() != (baseSize + chunk - 1) / chunk) {
      return finalChunks;
    }
    long n = 0;
    for (long k = 0; k < finalChunks; k++) {
      long from = k * chunk;
      long to = Math.min(finalSize, from + chunk);
      boolean changed = to > baseSize || (to == finalSize && to - from != Math.min(chunk,
          baseSize - from));
      for (long at = from; at < to && !changed; at += Math.min(chunk, pageSize)) {
        changed = touched.contains(at / pageSize + 1);
      }
      n += changed ? 1 : 0;
    }
    return n;
  }

  /** Rewrites a few pages, then maybe grows (by written or by zero pages) or cuts the file. */
  private static byte[] mutate(SplittableRandom random, byte[] file, int pageSize) {
    byte[] next = file.clone();
    int pages = next.length / pageSize;
    for (int i = random.nextInt(1, 6); i > 0; i--) {
      int p = random.nextInt(pages);
      byte[] page = new byte[pageSize];
      random.nextBytes(page);
      System.arraycopy(page, 0, next, p * pageSize, pageSize);
    }
    switch (random.nextInt(4)) {
      case 0 -> {
        int grow = random.nextInt(1, 12);
        next = Arrays.copyOf(next, next.length + grow * pageSize);
        // Some grown pages are written, the rest stay zeros.
        for (int p = pages; p < pages + grow; p += 2) {
          byte[] page = new byte[pageSize];
          random.nextBytes(page);
          System.arraycopy(page, 0, next, p * pageSize, pageSize);
        }
      }
      case 1 -> next = Arrays.copyOf(next, Math.max(1, pages - random.nextInt(1, 15))
          * pageSize);
      default -> { }
    }
    return next;
  }

  private static Segment segment(byte[] before, byte[] after, int pageSize, long first,
      long last, Instant time) {
    List<Page> pages = new ArrayList<>();
    for (int p = 0; p < after.length / pageSize; p++) {
      int off = p * pageSize;
      byte[] page = Arrays.copyOfRange(after, off, off + pageSize);
      boolean isNew = off + pageSize > before.length;
      if (isNew ? !Arrays.equals(page, new byte[pageSize])
          : !Arrays.equals(page, Arrays.copyOfRange(before, off, off + pageSize))) {
        pages.add(new Page(p + 1, page));
      }
    }
    return new Segment(GENERATION, first, last, pageSize, after.length / pageSize,
        checksum(before, pageSize), checksum(after, pageSize), time, time, pages);
  }

  private static PageSetChecksum checksum(byte[] file, int pageSize) {
    long c = 0;
    for (int p = 0; p < file.length / pageSize; p++) {
      c ^= PageSetChecksum.pageHash(p + 1, file, p * pageSize, pageSize);
    }
    return new PageSetChecksum(c);
  }

  private Snapshot backup(byte[] file, BackupOptions options, int pageSize, long txid)
      throws Exception {
    Files.write(image, file);
    Map<String, String> props = new TreeMap<>(Map.of("page-size", Integer.toString(pageSize)));
    List<String> tags = new ArrayList<>(new DatabaseTags("sqlite", image.toString(), props)
        .toTags());
    tags.addAll(new StreamTags("model.db", GENERATION, txid, checksum(file, pageSize)).toTags());
    return Backups.underLock(repo, new Archiver(repo, options.withTags(tags), new Progress()),
        List.of(FileSource.of(image))).snapshot();
  }
}
