package dev.bulwark.core.stream;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.Id;
import dev.bulwark.core.concurrent.Futures;
import dev.bulwark.core.repo.BlobSaver;
import dev.bulwark.core.repo.Repository;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * A database file held as its content list of fixed-size chunks (chunk {@code k} covers bytes
 * {@code [k * chunkBytes, (k + 1) * chunkBytes)}, the last one shorter), patched page by page
 * without reading the chunks no page falls in. Keeps the state checksum of the image up to date
 * as pages change, so that a caller can compare it with what a segment says. Not thread-safe.
 *
 * <p>Each chunk is in one of four states: stored (its blob id, holding exactly its bytes at its
 * current length), in memory (patched, not stored yet), being stored (a save on the workers), or
 * unbuilt (its bytes come from the base file where the base still reaches, zeros beyond: chunks
 * a file grew by, or every chunk when the base was chunked differently). Chunks in memory are
 * kept up to a byte budget, least recently touched stored first beyond it, so a chunk written by
 * many segments is usually stored once; whatever is in memory at the end is stored then.
 *
 * <p>Chunks are cut exactly as {@link dev.bulwark.core.backup.Archiver} cuts a file of the same
 * bytes, so a fresh backup and a folded snapshot of the same database share every blob.
 */
final class ChunkedImage {
  private final Repository repo;
  private final BlobSaver saver;
  private final ExecutorService workers;
  private final Semaphore inFlight;
  private final int chunkBytes;
  private final int pageSize;
  private final long budget;
  private final ContentReader base;
  private final byte[] zeroPage;
  /** Blob ids by chunk; null for a chunk in another state. */
  private final List<Id> ids = new ArrayList<>();
  /** Patched chunks by index, least recently touched first. */
  private final LinkedHashMap<Integer, byte[]> inMemory = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<Integer, Future<Id>> saving = new HashMap<>();
  /** Chunks being loaded ahead of the page that needs them. */
  private final Map<Integer, Future<byte[]>> loading = new HashMap<>();
  private final int window;
  private long memoryBytes;
  private long peakMemoryBytes;
  private long size;
  /** Bytes below this still hold the base file's content in unbuilt chunks; zeros above. */
  private long baseLimit;
  private PageSetChecksum checksum;
  private long chunksWritten;
  private int peekedIndex = -1;
  private byte[] peeked;

  /**
   * The image of a stored file.
   *
   * @param content the file's content list
   * @param fileSize the file's size, a whole number of pages
   * @param checksum the state checksum of the file, as its snapshot records it
   * @param budget bytes of patched chunks kept in memory before some are stored early
   */
  ChunkedImage(Repository repo, BlobSaver saver, ExecutorService workers, int threads,
      int chunkBytes, int pageSize, List<Id> content, long fileSize, PageSetChecksum checksum,
      long budget) throws CorruptionException {
    if (chunkBytes % pageSize != 0 && pageSize % chunkBytes != 0) {
      throw new IllegalArgumentException("chunk size " + chunkBytes + " and page size "
          + pageSize + " do not divide each other");
    }
    this.repo = repo;
    this.saver = saver;
    this.workers = workers;
    this.inFlight = new Semaphore(threads * 3);
    this.window = threads * 4;
    this.chunkBytes = chunkBytes;
    this.pageSize = pageSize;
    this.budget = budget;
    this.zeroPage = new byte[pageSize];
    this.base = new ContentReader(repo, content);
    if (base.size() != fileSize) {
      throw new CorruptionException("the database file's content blobs hold " + base.size()
          + " bytes, but its node says " + fileSize);
    }
    this.size = fileSize;
    this.baseLimit = fileSize;
    this.checksum = checksum;
    boolean sameChunks = base.isChunkedBy(chunkBytes);
    for (int k = 0; k < chunkCount(fileSize); k++) {
      ids.add(sameChunks ? content.get(k) : null);
    }
  }

  /** The state checksum of the image as patched so far. */
  PageSetChecksum checksum() {
    return checksum;
  }

  /** The image's size in bytes. */
  long size() {
    return size;
  }

  /** The most bytes of patched chunks held in memory at once, measured after each page. */
  long peakMemoryBytes() {
    return peakMemoryBytes;
  }

  /** Chunks rebuilt so far (each save of a patched chunk counts once). */
  long chunksWritten() {
    return chunksWritten;
  }

  /**
   * Applies one segment: the database takes its size, then its pages. Pages a database grows
   * by that the segment does not write are zeros, as SQLite reads them.
   */
  void apply(Segment s) throws IOException, BulwarkException {
    resize(s.pageCount() * pageSize);
    List<Integer> touched = touchedChunks(s);
    int next = 0;
    try {
      for (Page p : s.pages()) {
        // Loading a chunk (read, decrypt, decompress, verify) costs far more than patching it,
        // so the next few chunks the segment touches load on the workers meanwhile.
        while (next < touched.size() && loading.size() < window) {
          prefetch(touched.get(next++));
        }
        writePage(p.number(), p.bytes());
      }
    } finally {
      loading.values().forEach(f -> f.cancel(false));
      loading.clear();
    }
  }

  /** The chunks {@code s}'s pages fall in, in page order, each once. */
  private List<Integer> touchedChunks(Segment s) {
    List<Integer> out = new ArrayList<>();
    int last = -1;
    for (Page p : s.pages()) {
      long pos = (p.number() - 1) * pageSize;
      for (long at = pos; at < pos + pageSize; at += Math.min(pageSize, chunkBytes)) {
        int k = (int) (at / chunkBytes);
        if (k != last) {
          out.add(k);
          last = k;
        }
      }
    }
    return out;
  }

  /** Starts loading chunk {@code k} on the workers if it is a stored blob not in memory. */
  private void prefetch(int k) {
    if (inMemory.containsKey(k) || loading.containsKey(k) || saving.containsKey(k)) {
      return;
    }
    Id id = ids.get(k);
    if (id == null || !repo.index().has(BlobType.DATA, id)) {
      return;
    }
    loading.put(k, workers.submit(() -> repo.loadBlob(BlobType.DATA, id)));
  }

  /**
   * Stores every chunk not stored yet and returns the content list. The image cannot be
   * patched afterwards.
   */
  List<Id> finish() throws IOException, BulwarkException {
    for (int k = 0; k < ids.size(); k++) {
      byte[] b = inMemory.remove(k);
      if (b != null) {
        memoryBytes -= b.length;
        store(k, b);
      } else if (ids.get(k) == null && !saving.containsKey(k)) {
        store(k, read(k));
      }
    }
    awaitSaves();
    return List.copyOf(ids);
  }

  private int chunkCount(long bytes) {
    return Math.toIntExact((bytes + chunkBytes - 1) / chunkBytes);
  }

  private int length(int k) {
    return (int) Math.min(chunkBytes, size - (long) k * chunkBytes);
  }

  private void resize(long newSize) throws IOException, BulwarkException {
    if (newSize < size) {
      shrink(newSize);
    } else if (newSize > size) {
      grow(newSize);
    }
  }

  private void shrink(long newSize) throws IOException, BulwarkException {
    for (long p = newSize / pageSize + 1; p <= size / pageSize; p++) {
      byte[] old = readPage(p, false);
      checksum = new PageSetChecksum(checksum.value() ^ PageSetChecksum.pageHash(p, old));
    }
    int count = chunkCount(newSize);
    int last = count - 1;
    boolean partial = newSize % chunkBytes != 0;
    if (partial) {
      materialize(last);
    }
    for (int k = ids.size() - 1; k >= count; k--) {
      ids.remove(k);
      byte[] b = inMemory.remove(k);
      if (b != null) {
        memoryBytes -= b.length;
      }
      Future<Id> f = saving.remove(k);
      if (f != null) {
        // Stored or not, its blob is no longer part of the file; a stored one is left to prune.
        Futures.await(f);
      }
    }
    size = newSize;
    baseLimit = Math.min(baseLimit, newSize);
    peekedIndex = -1;
    if (partial) {
      resizeInMemory(last);
    }
  }

  private void grow(long newSize) throws IOException, BulwarkException {
    int last = ids.size() - 1;
    boolean partial = size % chunkBytes != 0;
    if (partial) {
      materialize(last);
    }
    for (long p = size / pageSize + 1; p <= newSize / pageSize; p++) {
      checksum = new PageSetChecksum(checksum.value() ^ PageSetChecksum.pageHash(p, zeroPage));
    }
    int count = chunkCount(newSize);
    while (ids.size() < count) {
      ids.add(null);
    }
    size = newSize;
    peekedIndex = -1;
    if (partial) {
      resizeInMemory(last);
    }
  }

  /** Gives the in-memory chunk {@code k} its current length, cutting or padding with zeros. */
  private void resizeInMemory(int k) {
    byte[] b = inMemory.get(k);
    byte[] resized = Arrays.copyOf(b, length(k));
    inMemory.put(k, resized);
    memoryBytes += resized.length - b.length;
  }

  private void writePage(long number, byte[] page) throws IOException, BulwarkException {
    byte[] old = readPage(number, true);
    checksum = new PageSetChecksum(checksum.value() ^ PageSetChecksum.pageHash(number, old)
        ^ PageSetChecksum.pageHash(number, page));
    long pos = (number - 1) * pageSize;
    int done = 0;
    while (done < pageSize) {
      int k = (int) ((pos + done) / chunkBytes);
      int off = (int) ((pos + done) % chunkBytes);
      int n = Math.min(pageSize - done, chunkBytes - off);
      System.arraycopy(page, done, materialize(k), off, n);
      done += n;
    }
    evictOverBudget();
    peakMemoryBytes = Math.max(peakMemoryBytes, memoryBytes);
  }

  /** Page {@code number}'s bytes; {@code keep} keeps the chunks read in memory for patching. */
  private byte[] readPage(long number, boolean keep) throws IOException, BulwarkException {
    byte[] page = new byte[pageSize];
    long pos = (number - 1) * pageSize;
    int done = 0;
    while (done < pageSize) {
      int k = (int) ((pos + done) / chunkBytes);
      int off = (int) ((pos + done) % chunkBytes);
      int n = Math.min(pageSize - done, chunkBytes - off);
      System.arraycopy(keep ? materialize(k) : peek(k), off, page, done, n);
      done += n;
    }
    return page;
  }

  /** Chunk {@code k}, in memory from now on, to be patched. */
  private byte[] materialize(int k) throws IOException, BulwarkException {
    byte[] b = inMemory.get(k);
    if (b == null) {
      b = k == peekedIndex ? peeked : read(k);
      peekedIndex = -1;
      inMemory.put(k, b);
      memoryBytes += b.length;
    }
    return b;
  }

  /** Chunk {@code k}'s bytes, read for once (the last one read is kept for the next page). */
  private byte[] peek(int k) throws IOException, BulwarkException {
    byte[] b = inMemory.get(k);
    if (b != null) {
      return b;
    }
    if (k != peekedIndex) {
      peeked = read(k);
      peekedIndex = k;
    }
    return peeked;
  }

  /** Chunk {@code k}'s current bytes, from wherever they are, in a new array. */
  private byte[] read(int k) throws IOException, BulwarkException {
    byte[] b = inMemory.get(k);
    if (b != null) {
      return b.clone();
    }
    Future<Id> f = saving.remove(k);
    if (f != null) {
      ids.set(k, Futures.await(f));
    }
    Id id = ids.get(k);
    int length = length(k);
    Future<byte[]> loaded = loading.remove(k);
    if (loaded != null) {
      return checkLength(Futures.await(loaded), id, k, length);
    }
    if (id == null) {
      byte[] out = new byte[length];
      long start = (long) k * chunkBytes;
      base.read(start, out, (int) Math.max(0, Math.min(length, baseLimit - start)));
      return out;
    }
    if (!repo.index().has(BlobType.DATA, id)) {
      // Stored early in this fold and touched again: its pack may still be open.
      awaitSaves();
      saver.flush();
    }
    return checkLength(repo.loadBlob(BlobType.DATA, id), id, k, length);
  }

  private static byte[] checkLength(byte[] blob, Id id, int k, int length)
      throws CorruptionException {
    if (blob.length != length) {
      throw new CorruptionException("data blob " + id.shortForm() + " holds " + blob.length
          + " bytes where chunk " + k + " of the database file needs " + length);
    }
    return blob;
  }

  private void evictOverBudget() throws IOException {
    Iterator<Map.Entry<Integer, byte[]>> it = inMemory.entrySet().iterator();
    while (memoryBytes > budget && inMemory.size() > 1) {
      Map.Entry<Integer, byte[]> eldest = it.next();
      it.remove();
      memoryBytes -= eldest.getValue().length;
      store(eldest.getKey(), eldest.getValue());
    }
  }

  /** Hashes and saves chunk {@code k} on the workers, at most a few at a time. */
  private void store(int k, byte[] bytes) throws IOException {
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("fold interrupted");
    }
    Future<Id> f;
    try {
      f = workers.submit(() -> {
        try {
          Id id = Id.hash(bytes);
          saver.save(BlobType.DATA, id, bytes, 0, bytes.length);
          return id;
        } finally {
          inFlight.release();
        }
      });
    } catch (RuntimeException e) {
      inFlight.release();
      throw e;
    }
    ids.set(k, null);
    saving.put(k, f);
    chunksWritten++;
  }

  private void awaitSaves() throws IOException, BulwarkException {
    for (Map.Entry<Integer, Future<Id>> e : saving.entrySet()) {
      ids.set(e.getKey(), Futures.await(e.getValue()));
    }
    saving.clear();
  }

  /** Cancels saves not started yet, after a failure. */
  void abandon() {
    loading.values().forEach(f -> f.cancel(false));
    saving.values().forEach(f -> f.cancel(false));
  }
}
