package dev.bulwark.bench;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.Id;
import dev.bulwark.core.Progress;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.backup.Archiver;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.backup.BackupResult;
import dev.bulwark.core.backup.FileSource;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.stream.FoldResult;
import dev.bulwark.core.stream.Page;
import dev.bulwark.core.stream.PageSetChecksum;
import dev.bulwark.core.stream.Segment;
import dev.bulwark.core.stream.SegmentRef;
import dev.bulwark.core.stream.SegmentStore;
import dev.bulwark.core.stream.SnapshotFolder;
import dev.bulwark.core.stream.StreamTags;
import dev.bulwark.core.tree.Node;
import dev.bulwark.core.tree.NodeType;
import dev.bulwark.core.tree.Tree;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Chooses the SQLite chunk size by measurement (bench/fold.sh runs it): for each chunk size, a
 * fresh repository gets a backup of database copy A, the pages in which copy B differs are
 * stored as segments, and a snapshot is folded from them (three times in fresh repositories;
 * times are medians). Prints, per chunk size: what the fold stored and how long it took,
 * what a fresh backup of B stored next to A (the pre-stream way), what a fresh backup of B
 * stores after the fold (dedup between folded and fresh), and
 * the content list of a 10 GiB database at that size (its tree JSON, and its ids on the heap,
 * measured under the launcher's 512 MiB heap).
 *
 * <p>Usage: {@code FoldChunkSizeBench A.db B.db WORKDIR KIB...}; A and B must have 4 KiB pages.
 * With {@code -Dsteps=S1.db:S2.db:...}, copies taken between A and B in that order, the change
 * is shipped as the replicator ships it, one transaction's pages after another: the pages each
 * copy changes from the one before are its own segments, so a chunk is touched by several.
 */
public final class FoldChunkSizeBench {
  private static final int PAGE = 4096;
  private static final long TEN_GIB = 10L << 30;
  private static final byte[] PASSWORD = "bench".getBytes(StandardCharsets.UTF_8);
  private static final String ID = "bench.db";
  /** Folds per chunk size; times are their median (this machine is shared and noisy). */
  private static final int ROUNDS = Integer.getInteger("rounds", 3);
  /** Copies between A and B, each shipped as its own segments. */
  private static final String STEPS = System.getProperty("steps", "");

  private FoldChunkSizeBench() {}

  public static void main(String[] args) throws Exception {
    Path a = Path.of(args[0]);
    Path b = Path.of(args[1]);
    Path work = Path.of(args[2]);
    System.out.printf("A %d MiB, B %d MiB, %d of B's pages differ from A's, shipped in %d"
        + " steps%n", Files.size(a) >> 20, Files.size(b) >> 20, countChanged(a, b),
        STEPS.isEmpty() ? 1 : STEPS.split(":").length + 1);
    System.out.println();
    System.out.println("| chunk | chunks rebuilt | fold stored MiB | fold s"
        + " | backup of B stored MiB | backup of B s | backup of B after fold stored MiB"
        + " | 10 GiB: chunks | 10 GiB: tree JSON MiB | 10 GiB: ids on the heap MiB |");
    System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    // A first round at 64 KiB warms the JIT; its numbers are not printed.
    run(a, b, work.resolve("warm-up"), 64, false);
    for (int i = 3; i < args.length; i++) {
      run(a, b, work.resolve(args[i] + "k"), Integer.parseInt(args[i]), true);
    }
  }

  /** One fold and its comparisons, in fresh repositories. */
  private record Round(FoldResult fold, BackupResult plain, BackupResult afterFold) {}

  private static void run(Path a, Path b, Path dir, int kib, boolean print) throws Exception {
    List<Round> rounds = new ArrayList<>();
    for (int i = 0; i < (print ? ROUNDS : 1); i++) {
      rounds.add(measure(a, b, dir.resolve("round-" + i), kib));
    }
    if (print) {
      Round r = rounds.get(0);
      long chunks = TEN_GIB / (kib * 1024L);
      long[] list = contentList(Math.toIntExact(chunks));
      System.out.printf("| %d KiB | %d | %.1f | %.2f | %.1f | %.2f | %.2f | %d | %.1f | %.1f |%n",
          kib, r.fold().chunksWritten(), mib(r.fold().storedBytes()),
          median(rounds.stream().mapToDouble(x -> x.fold().seconds()).toArray()),
          mib(r.plain().bytesAdded()),
          median(rounds.stream().mapToDouble(x -> x.plain().seconds()).toArray()),
          mib(r.afterFold().bytesAdded()), chunks, mib(list[1]), mib(list[0]));
    }
  }

  private static double median(double[] values) {
    Arrays.sort(values);
    return values[values.length / 2];
  }

  private static Round measure(Path a, Path b, Path dir, int kib) throws Exception {
    BackupOptions options = BackupOptions.defaults().withChunkBytes(kib * 1024);
    Path image = Files.createDirectories(dir.resolve("db")).resolve("app.db");
    try (Repository repo = Repository.init(LocalBackend.open(dir.resolve("repo")), PASSWORD,
        new Kdf.Params(1024, 8, 1))) {
      Files.copy(a, image, StandardCopyOption.REPLACE_EXISTING);
      PageSetChecksum start = checksum(image);
      Snapshot base = backup(repo, options, image, new StreamTags(ID, 1, 0, start)).snapshot();
      List<Path> chain = new ArrayList<>();
      chain.add(a);
      for (String step : STEPS.split(":")) {
        if (!step.isEmpty()) {
          chain.add(Path.of(step));
        }
      }
      chain.add(b);
      List<SegmentRef> refs = new ArrayList<>();
      PageSetChecksum from = start;
      for (int i = 1; i < chain.size(); i++) {
        refs.addAll(segments(repo, chain.get(i - 1), chain.get(i), from, refs.size()));
        from = checksum(chain.get(i));
      }
      FoldResult fold;
      try (Lock lock = repo.lock(false)) {
        fold = new SnapshotFolder(repo, options).fold(lock, base, refs);
      }
      Files.copy(b, image, StandardCopyOption.REPLACE_EXISTING);
      StreamTags atB = new StreamTags(ID, 1, fold.position().txid(), checksum(image));
      BackupResult afterFold = backup(repo, options, image, atB);
      // The pre-stream way: a fresh backup of B next to A only.
      try (Repository other = Repository.init(LocalBackend.open(dir.resolve("plain")),
          PASSWORD, new Kdf.Params(1024, 8, 1))) {
        Files.copy(a, image, StandardCopyOption.REPLACE_EXISTING);
        backup(other, options, image, new StreamTags(ID, 1, 0, start));
        Files.copy(b, image, StandardCopyOption.REPLACE_EXISTING);
        return new Round(fold, backup(other, options, image, atB), afterFold);
      }
    } finally {
      deleteTree(dir);
    }
  }

  /**
   * Measures the content list of a file of {@code chunks} chunks: the heap its ids hold
   * (measured after a collection, not estimated) and the size of its tree's JSON.
   */
  private static long[] contentList(int chunks) {
    Runtime rt = Runtime.getRuntime();
    System.gc();
    long before = rt.totalMemory() - rt.freeMemory();
    SplittableRandom random = new SplittableRandom(1);
    List<Id> ids = new ArrayList<>(chunks);
    byte[] b = new byte[32];
    for (int i = 0; i < chunks; i++) {
      random.nextBytes(b);
      ids.add(Id.hash(b));
    }
    System.gc();
    long held = rt.totalMemory() - rt.freeMemory() - before;
    Node n = Node.builder("app.db", NodeType.FILE).size(TEN_GIB).content(ids).build();
    long json = new Tree(List.of(n)).toJson().length;
    return new long[] {held, json};
  }

  private static double mib(long bytes) {
    return bytes / 1048576.0;
  }

  private static BackupResult backup(Repository repo, BackupOptions options, Path image,
      StreamTags stream) throws IOException, BulwarkException {
    List<String> tags = new ArrayList<>(new DatabaseTags("sqlite", image.toString(),
        Map.of("page-size", Integer.toString(PAGE))).toTags());
    tags.addAll(stream.toTags());
    try (Lock lock = repo.lock(false)) {
      return new Archiver(repo, options.withTags(tags), new Progress())
          .backup(lock, List.of(FileSource.of(image)));
    }
  }

  /**
   * B's differing pages as segments of at most 16 MiB each, checksums chained from A's, the
   * first at position {@code done + 1}.
   */
  private static List<SegmentRef> segments(Repository repo, Path a, Path b,
      PageSetChecksum start, long done) throws IOException, BulwarkException {
    SegmentStore store = new SegmentStore(repo);
    List<SegmentRef> refs = new ArrayList<>();
    long pages = Files.size(b) / PAGE;
    long oldPages = Files.size(a) / PAGE;
    PageSetChecksum before = start;
    long txid = done;
    Instant time = Instant.parse("2026-12-04T08:00:00Z").plusSeconds(done);
    byte[] zero = new byte[PAGE];
    long growth = 0;
    for (long p = oldPages + 1; p <= pages; p++) {
      growth ^= PageSetChecksum.pageHash(p, zero);
    }
    try (RandomAccessFile ra = new RandomAccessFile(a.toFile(), "r");
        RandomAccessFile rb = new RandomAccessFile(b.toFile(), "r")) {
      List<Page> batch = new ArrayList<>();
      long delta = growth;
      for (long p = 1; p <= pages; p++) {
        byte[] old = p <= oldPages ? read(ra, p) : zero;
        byte[] now = read(rb, p);
        if (!Arrays.equals(old, now)) {
          batch.add(new Page(p, now));
          delta ^= PageSetChecksum.pageHash(p, old) ^ PageSetChecksum.pageHash(p, now);
        }
        if ((batch.size() + 1) * PAGE > Segment.MAX_PAGE_BYTES || (p == pages)) {
          txid++;
          PageSetChecksum after = new PageSetChecksum(before.value() ^ delta);
          refs.add(store.save(ID, new Segment(1, txid, txid, PAGE, pages, before, after, time,
              time, batch)));
          before = after;
          delta = 0;
          batch = new ArrayList<>();
          time = time.plusSeconds(1);
        }
      }
    }
    return refs;
  }

  private static byte[] read(RandomAccessFile f, long page) throws IOException {
    byte[] b = new byte[PAGE];
    f.seek((page - 1) * PAGE);
    f.readFully(b);
    return b;
  }

  private static long countChanged(Path a, Path b) throws IOException {
    long n = 0;
    long oldPages = Files.size(a) / PAGE;
    try (RandomAccessFile ra = new RandomAccessFile(a.toFile(), "r");
        RandomAccessFile rb = new RandomAccessFile(b.toFile(), "r")) {
      for (long p = 1; p <= Files.size(b) / PAGE; p++) {
        if (p > oldPages || !Arrays.equals(read(ra, p), read(rb, p))) {
          n++;
        }
      }
    }
    return n;
  }

  private static PageSetChecksum checksum(Path file) throws IOException {
    long c = 0;
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      for (long p = 1; p <= f.length() / PAGE; p++) {
        c ^= PageSetChecksum.pageHash(p, read(f, p));
      }
    }
    return new PageSetChecksum(c);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
