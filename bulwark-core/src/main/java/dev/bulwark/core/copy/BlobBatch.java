package dev.bulwark.core.copy;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.Id;
import dev.bulwark.core.Progress;
import dev.bulwark.core.concurrent.Futures;
import dev.bulwark.core.concurrent.HeapBudget;
import dev.bulwark.core.concurrent.Workers;
import dev.bulwark.core.index.BlobLocation;
import dev.bulwark.core.pack.PackedBlob;
import dev.bulwark.core.repo.BlobSaver;
import dev.bulwark.core.repo.Repository;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;

/**
 * Data blobs to copy, gathered until a batch is full and then read from the source pack by
 * pack: the blobs of one pack that lie close together are fetched in one ranged read (restic's
 * {@code CopyBlobs} reads whole packs), so a copy from S3 costs a request per range rather than
 * per blob. Each blob is opened (decrypted, checked against its id) and handed to the target's
 * saver. Memory stays bounded: a batch holds only locations, and the ranges in memory at once
 * (each at most {@value #MAX_RANGE_BYTES} bytes) share a quarter of the heap. Not thread-safe;
 * one batch per copy.
 */
final class BlobBatch {
  /** Locations gathered before they are read: a few thousand, a few hundred KiB of heap. */
  static final int MAX_BATCH_BLOBS = 4096;
  /** The largest ranged read. */
  static final int MAX_RANGE_BYTES = 4 * 1024 * 1024;
  /** Bytes of unneeded blobs a range may span rather than being split in two. */
  static final int MAX_GAP_BYTES = 256 * 1024;

  private final Repository source;
  private final BlobSaver saver;
  private final Workers readers;
  private final int window;
  private final Progress progress;
  // Ranges read at once follow the heap, not the number of threads: a quarter of it for the
  // ranges and the blobs opened from them.
  private final HeapBudget budget = HeapBudget.ofMaxHeap(4);
  private final Map<Id, List<PackedBlob>> byPack = new LinkedHashMap<>();
  private final Set<Id> gathered = new HashSet<>();
  private final Deque<Future<Void>> pending = new ArrayDeque<>();

  BlobBatch(Repository source, BlobSaver saver, Workers readers, int window,
      Progress progress) {
    this.source = source;
    this.saver = saver;
    this.readers = readers;
    this.window = window;
    this.progress = progress;
  }

  /** Adds a blob of the source to copy (once, however often it is added); reads when full. */
  void add(BlobLocation loc) throws IOException, BulwarkException {
    if (!gathered.add(loc.blob().id())) {
      return;
    }
    byPack.computeIfAbsent(loc.pack(), p -> new ArrayList<>()).add(loc.blob());
    if (gathered.size() >= MAX_BATCH_BLOBS) {
      flush();
    }
  }

  /**
   * Reads every blob gathered and hands it to the saver; when it returns, the saver has them
   * all (stored or in an open pack).
   *
   * @throws InterruptedIOException if interrupted
   */
  void flush() throws IOException, BulwarkException {
    try {
      for (var e : byPack.entrySet()) {
        for (List<PackedBlob> range : ranges(e.getValue())) {
          Id pack = e.getKey();
          pending.add(readers.executor().submit(() -> {
            copyRange(pack, range);
            return null;
          }));
          while (!pending.isEmpty() && (pending.peek().isDone() || pending.size() > window)) {
            Futures.await(pending.poll());
          }
          if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("copy interrupted");
          }
          saver.throwIfYieldRequested();
        }
      }
      while (!pending.isEmpty()) {
        Futures.await(pending.poll());
      }
    } finally {
      for (Future<Void> f : pending) {
        f.cancel(false);
      }
      pending.clear();
      byPack.clear();
      gathered.clear();
    }
  }

  /** {@code blobs} of one pack in runs that each make one ranged read. */
  static List<List<PackedBlob>> ranges(List<PackedBlob> blobs) {
    List<PackedBlob> sorted = new ArrayList<>(blobs);
    sorted.sort(Comparator.comparingLong(PackedBlob::offset));
    List<List<PackedBlob>> out = new ArrayList<>();
    List<PackedBlob> run = new ArrayList<>();
    for (PackedBlob b : sorted) {
      if (!run.isEmpty()) {
        PackedBlob first = run.get(0);
        PackedBlob last = run.get(run.size() - 1);
        long gap = b.offset() - (last.offset() + last.length());
        long span = b.offset() + b.length() - first.offset();
        if (gap > MAX_GAP_BYTES || span > MAX_RANGE_BYTES) {
          out.add(run);
          run = new ArrayList<>();
        }
      }
      run.add(b);
    }
    if (!run.isEmpty()) {
      out.add(run);
    }
    return out;
  }

  /** One ranged read of {@code pack}, then each blob in it opened, checked and saved. */
  private void copyRange(Id pack, List<PackedBlob> range) throws IOException, BulwarkException {
    PackedBlob first = range.get(0);
    PackedBlob last = range.get(range.size() - 1);
    long start = first.offset();
    int length = Math.toIntExact(last.offset() + last.length() - start);
    String where = "pack " + pack;
    // The range, and one blob opened from it at a time (its plaintext, compressed and sealed).
    try (HeapBudget.Grant g = budget.take(2L * length)) {
      byte[] data;
      try {
        data = source.loadPackRange(pack, start, length);
      } catch (java.nio.file.NoSuchFileException | java.io.EOFException e) {
        throw new dev.bulwark.core.CorruptionException("source repository: " + where
            + " is missing or truncated", e);
      }
      for (PackedBlob b : range) {
        byte[] plain = source.openBlob(data, Math.toIntExact(b.offset() - start), b, where);
        if (saver.save(b.type(), b.id(), plain, 0, plain.length)) {
          progress.addBytes(plain.length);
        }
      }
    }
  }
}
