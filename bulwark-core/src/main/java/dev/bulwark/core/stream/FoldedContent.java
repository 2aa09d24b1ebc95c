package dev.bulwark.core.stream;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.Id;
import dev.bulwark.core.concurrent.Futures;
import dev.bulwark.core.index.BlobLocation;
import dev.bulwark.core.pack.PackedBlob;
import dev.bulwark.core.repo.BlobSaver;
import dev.bulwark.core.repo.Repository;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The second pass of a fold: the folded file's content list, built from the base file's and
 * the final page versions of {@link PageVersions}, walking the touched chunks in order. Each
 * touched base chunk is read once, each chunk to rebuild is stored once with its final bytes,
 * and the base hashes of the pages the segments changed go to the segment that first changed
 * each (for {@link PageVersions}' deferred checks).
 *
 * <p>Chunk {@code k} covers bytes {@code [k * chunkBytes, (k + 1) * chunkBytes)}, the last one
 * shorter, cut exactly as {@link dev.bulwark.core.backup.Archiver} cuts a file of the same bytes,
 * so a fresh backup and a folded snapshot of the same database share every blob. Work goes by
 * groups of {@code max(chunkBytes, pageSize)} bytes, which hold whole pages and whole chunks
 * (one divides the other). A chunk is rebuilt if a page in it changed, its length changed, it
 * is past the base's end, or the base was chunked with another size (then every chunk is: the
 * base is read back in order). A group is visited if a chunk of it is rebuilt or a base page of
 * it changed, even one past the new end (its base hash is still needed).
 *
 * <p>Memory: a few runs of consecutive groups in flight per worker thread (at most {@value
 * #MAX_RUN_BYTES} bytes of base each, with their new bytes) and the content list.
 */
final class FoldedContent {
  /**
   * The most base bytes one task covers: consecutive touched groups go to one worker, so that
   * their chunks are read with as few ranged reads as lie together in packs.
   */
  static final int MAX_RUN_BYTES = 1 << 20;

  private final Repository repo;
  private final BlobSaver saver;
  private final ExecutorService workers;
  private final int threads;
  private final int chunkBytes;
  private final int pageSize;
  private final List<Id> baseContent;
  private final long baseSize;
  private final AtomicLong chunksWritten = new AtomicLong();

  /**
   * A builder over a stored base file.
   *
   * @param baseContent the base file's content list
   * @param baseSize its size, a whole number of pages
   */
  FoldedContent(Repository repo, BlobSaver saver, ExecutorService workers, int threads,
      int chunkBytes, int pageSize, List<Id> baseContent, long baseSize) {
    if (chunkBytes % pageSize != 0 && pageSize % chunkBytes != 0) {
      throw new IllegalArgumentException("chunk size " + chunkBytes + " and page size "
          + pageSize + " do not divide each other");
    }
    this.repo = repo;
    this.saver = saver;
    this.workers = workers;
    this.threads = threads;
    this.chunkBytes = chunkBytes;
    this.pageSize = pageSize;
    this.baseContent = baseContent;
    this.baseSize = baseSize;
  }

  /** Chunks stored by {@link #build} (each once). */
  long chunksWritten() {
    return chunksWritten.get();
  }

  /**
   * Stores the rebuilt chunks of the file {@code versions} make of the base and returns its
   * content list; XORs into {@code baseHashes[i]} the base hashes of the pages segment {@code
   * i} changed first.
   */
  List<Id> build(PageVersions versions, AtomicLongArray baseHashes)
      throws IOException, BulwarkException {
    ContentReader base = new ContentReader(repo, baseContent);
    if (base.size() != baseSize) {
      throw new CorruptionException("the database file's content blobs hold " + base.size()
          + " bytes, but its node says " + baseSize);
    }
    boolean sameChunks = base.isChunkedBy(chunkBytes);
    long finalSize = versions.pages() * pageSize;
    int finalChunks = chunkCount(finalSize);
    int baseChunks = chunkCount(baseSize);
    int group = Math.max(chunkBytes, pageSize);
    Id[] ids = new Id[finalChunks];
    TreeSet<Long> groups = new TreeSet<>();
    if (sameChunks) {
      for (int k = 0; k < Math.min(baseChunks, finalChunks); k++) {
        ids[k] = baseContent.get(k);
      }
      for (long p : versions.changedPages()) {
        groups.add((p - 1) * pageSize / group);
      }
      for (int k = Math.max(0, Math.min(baseChunks, finalChunks) - 1); k < finalChunks; k++) {
        if (k >= baseChunks || length(k, finalSize) != length(k, baseSize)) {
          groups.add((long) k * chunkBytes / group);
        }
      }
    } else {
      for (long g = 0; g * group < Math.max(finalSize, baseSize); g++) {
        groups.add(g);
      }
    }
    Semaphore inFlight = new Semaphore(threads * 3);
    List<Future<Void>> running = new ArrayList<>();
    int runGroups = Math.max(1, MAX_RUN_BYTES / group);
    try {
      List<Long> run = new ArrayList<>();
      for (Long next = groups.isEmpty() ? null : groups.first(); next != null; ) {
        long g = next;
        next = groups.higher(g);
        run.add(g);
        // Another chunking: its blobs straddle groups, so they are read in order, one group a
        // task. The same chunking: consecutive groups go together, up to MAX_RUN_BYTES.
        if (sameChunks && next != null && next == g + 1 && run.size() < runGroups) {
          continue;
        }
        byte[][] given = null;
        long start = run.get(0) * group;
        if (!sameChunks && start < baseSize) {
          given = new byte[][] {new byte[(int) Math.min(group, baseSize - start)]};
          base.read(start, given[0], given[0].length);
        }
        long[] starts = run.stream().mapToLong(x -> x * group).toArray();
        run = new ArrayList<>();
        acquire(inFlight);
        byte[][] bases = given;
        try {
          running.add(workers.submit(() -> {
            try {
              byte[][] loaded = bases != null ? bases : loadBase(starts, group);
              for (int i = 0; i < starts.length; i++) {
                buildGroup(starts[i], group, loaded[i], sameChunks, versions, baseHashes,
                    finalSize, ids);
              }
              return null;
            } finally {
              inFlight.release();
            }
          }));
        } catch (RuntimeException e) {
          inFlight.release();
          throw e;
        }
        if (running.size() > threads * 8) {
          awaitDone(running);
        }
      }
      for (Future<Void> f : running) {
        Futures.await(f);
      }
    } catch (IOException | BulwarkException | RuntimeException e) {
      running.forEach(f -> f.cancel(false));
      throw e;
    }
    return List.of(ids);
  }

  /** Builds the group at {@code start} from {@code baseBytes}, its bytes in the base. */
  private void buildGroup(long start, int group, byte[] baseBytes, boolean sameChunks,
      PageVersions versions, AtomicLongArray baseHashes, long finalSize, Id[] ids)
      throws IOException, BulwarkException {
    int baseLen = baseBytes.length;
    int finalLen = (int) Math.max(0, Math.min(group, finalSize - start));
    long firstPage = start / pageSize + 1;
    for (int off = 0; off < baseLen; off += pageSize) {
      int first = versions.firstChangedIn(firstPage + off / pageSize);
      if (first >= 0) {
        long h = PageSetChecksum.pageHash(firstPage + off / pageSize, baseBytes, off, pageSize);
        baseHashes.accumulateAndGet(first, h, (a, b) -> a ^ b);
      }
    }
    if (finalLen == 0) {
      return;
    }
    byte[] bytes = Arrays.copyOf(baseBytes, finalLen);
    boolean[] changedChunk = new boolean[group / chunkBytes + 1];
    for (int off = 0; off < finalLen; off += pageSize) {
      if (versions.read(firstPage + off / pageSize, bytes, off)) {
        for (int at = off; at < off + pageSize; at += chunkBytes) {
          changedChunk[at / chunkBytes] = true;
        }
      }
    }
    for (int off = 0; off < finalLen; off += chunkBytes) {
      int k = (int) ((start + off) / chunkBytes);
      int len = Math.min(chunkBytes, finalLen - off);
      boolean rebuild = !sameChunks || changedChunk[off / chunkBytes] || ids[k] == null
          || len != length(k, baseSize);
      if (rebuild) {
        Id id = Id.hash(bytes, off, len);
        saver.save(BlobType.DATA, id, bytes, off, len);
        ids[k] = id;
        chunksWritten.incrementAndGet();
      }
    }
  }

  /**
   * The base's bytes of the groups at {@code starts} (consecutive), each cut at the base's end:
   * whole chunks, found by id in the index and read a run at a time, one ranged read for the
   * blobs that lie together in one pack (a fresh backup stored them in file order), so a fold
   * costs a read per run of chunks rather than per chunk (a request each, on S3).
   */
  private byte[][] loadBase(long[] starts, int group) throws IOException, BulwarkException {
    byte[][] out = new byte[starts.length][];
    List<ChunkRead> reads = new ArrayList<>();
    for (int i = 0; i < starts.length; i++) {
      int len = (int) Math.max(0, Math.min(group, baseSize - starts[i]));
      out[i] = new byte[len];
      for (int off = 0; off < len; off += chunkBytes) {
        int k = (int) ((starts[i] + off) / chunkBytes);
        Id id = baseContent.get(k);
        BlobLocation loc = repo.index().find(BlobType.DATA, id).orElseThrow(
            () -> new CorruptionException("data blob " + id.shortForm() + " (chunk " + k
                + " of the database file) is not in the index"));
        reads.add(new ChunkRead(k, loc, out[i], off, Math.min(chunkBytes, len - off)));
      }
    }
    int from = 0;
    for (int i = 1; i <= reads.size(); i++) {
      if (i == reads.size() || !reads.get(i).follows(reads.get(i - 1))) {
        readRange(reads.subList(from, i));
        from = i;
      }
    }
    return out;
  }

  /** One ranged read of a pack for {@code range} (adjacent blobs), each opened into place. */
  private void readRange(List<ChunkRead> range) throws IOException, BulwarkException {
    List<byte[]> blobs = repo.loadBlobs(range.get(0).loc().pack(),
        range.stream().map(r -> r.loc().blob()).toList());
    for (int i = 0; i < range.size(); i++) {
      ChunkRead r = range.get(i);
      byte[] blob = blobs.get(i);
      if (blob.length != r.length()) {
        throw new CorruptionException("data blob " + r.loc().blob().id().shortForm() + " holds "
            + blob.length + " bytes where chunk " + r.chunk() + " of the database file needs "
            + r.length());
      }
      System.arraycopy(blob, 0, r.into(), r.at(), r.length());
    }
  }

  /** A base chunk to read: where it is stored, and where its bytes go. */
  private record ChunkRead(int chunk, BlobLocation loc, byte[] into, int at, int length) {
    /** True if this blob starts where {@code previous} ends, in the same pack. */
    boolean follows(ChunkRead previous) {
      PackedBlob p = previous.loc().blob();
      return loc.pack().equals(previous.loc().pack())
          && loc.blob().offset() == p.offset() + p.length();
    }
  }

  private int chunkCount(long bytes) {
    return Math.toIntExact((bytes + chunkBytes - 1) / chunkBytes);
  }

  private int length(int k, long fileSize) {
    return (int) Math.max(0, Math.min(chunkBytes, fileSize - (long) k * chunkBytes));
  }

  private static void acquire(Semaphore s) throws InterruptedIOException {
    try {
      s.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("fold interrupted");
    }
  }

  /** Drops finished tasks from {@code running}, rethrowing their failure. */
  private static void awaitDone(List<Future<Void>> running)
      throws IOException, BulwarkException {
    List<Future<Void>> left = new ArrayList<>();
    for (Future<Void> f : running) {
      if (f.isDone()) {
        Futures.await(f);
      } else {
        left.add(f);
      }
    }
    running.clear();
    running.addAll(left);
  }
}
