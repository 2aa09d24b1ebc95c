package dev.bulwark.core.repo;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.FileType;
import dev.bulwark.core.Id;
import dev.bulwark.core.backend.Handle;
import dev.bulwark.core.index.IndexFile;
import dev.bulwark.core.index.PackBlobs;
import dev.bulwark.core.pack.BlobCodec;
import dev.bulwark.core.pack.FinishedPack;
import dev.bulwark.core.pack.PackWriter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes new blobs into a repository: skips blobs already stored, compresses and seals the rest
 * in the caller's thread, gathers them into packs (one pack per blob type), stores full packs
 * on upload threads of its own and writes index files for them. Thread-safe; callers provide
 * the parallelism of sealing.
 *
 * <p>Uploads run beside sealing so that no sealing thread waits for a write and fsync; at most
 * {@code connections + 1} finished packs wait in memory, after which sealing threads wait.
 *
 * <p>Order on disk is what makes a crash harmless: a pack is stored before any index names it,
 * and the caller writes a snapshot only after {@link #flush()} returns.
 */
public final class BlobSaver {
  /** restic's default target pack size. */
  public static final int DEFAULT_PACK_BYTES = 16 * 1024 * 1024;
  /** An index file is written once this many blobs are waiting for one. */
  static final int INDEX_FLUSH_BLOBS = 50_000;

  private record Key(BlobType type, Id id) {}

  private final Repository repo;
  private final int packBytes;
  private final int zstdLevel;
  private final Set<Key> claimed = ConcurrentHashMap.newKeySet();
  private final Map<BlobType, PackWriter> writers = new EnumMap<>(BlobType.class);
  private final List<PackBlobs> unindexed = new ArrayList<>();
  private int unindexedBlobs;
  private final AtomicLong newBlobs = new AtomicLong();
  private final AtomicLong newPlainBytes = new AtomicLong();
  private final AtomicLong storedBytes = new AtomicLong();
  private final AtomicLong packsWritten = new AtomicLong();
  private final Executor uploads;
  private final Semaphore packsInFlight;
  private final List<CompletableFuture<Void>> pendingUploads = new ArrayList<>();
  private volatile IOException uploadFailure;

  /**
   * A saver that uploads packs in the thread that fills them.
   *
   * @param zstdLevel zstd level for blob content; 0 stores blobs uncompressed
   */
  public BlobSaver(Repository repo, int packBytes, int zstdLevel) {
    this(repo, packBytes, zstdLevel, Runnable::run, 1);
  }

  /**
   * A saver that uploads packs on {@code uploads} (owned by the caller), with at most
   * {@code maxPacksInFlight} finished packs waiting or uploading at once.
   *
   * @param zstdLevel zstd level for blob content; 0 stores blobs uncompressed
   */
  public BlobSaver(Repository repo, int packBytes, int zstdLevel, Executor uploads,
      int maxPacksInFlight) {
    if (packBytes < 1024 * 1024) {
      throw new IllegalArgumentException("pack size must be at least 1 MiB");
    }
    this.repo = repo;
    this.packBytes = packBytes;
    this.zstdLevel = repo.config().version() >= 2 ? zstdLevel : 0;
    if (maxPacksInFlight < 1) {
      throw new IllegalArgumentException("at least one pack must be allowed in flight");
    }
    this.uploads = uploads;
    this.packsInFlight = new Semaphore(maxPacksInFlight);
  }

  /**
   * Stores a blob unless the repository (or this saver) already has it.
   *
   * @return true if the blob was new
   */
  public boolean save(BlobType type, Id id, byte[] data, int off, int len) throws IOException {
    IOException failed = uploadFailure;
    if (failed != null) {
      throw new IOException("an earlier pack upload failed: " + failed.getMessage(), failed);
    }
    if (repo.index().has(type, id) || !claimed.add(new Key(type, id))) {
      return false;
    }
    byte[] payload = null;
    int uncompressed = 0;
    if (zstdLevel != 0 && len > 0) {
      byte[] c = BlobCodec.compress(data, off, len, zstdLevel);
      if (c.length < len) {
        payload = c;
        uncompressed = len;
      }
    }
    byte[] sealed = payload != null
        ? repo.key().seal(payload, 0, payload.length)
        : repo.key().seal(data, off, len);
    newBlobs.incrementAndGet();
    newPlainBytes.addAndGet(len);
    PackWriter full = null;
    synchronized (writers) {
      PackWriter w = writers.computeIfAbsent(type,
          t -> new PackWriter(repo.key(), packBytes + packBytes / 8));
      w.add(type, id, sealed, uncompressed);
      if (w.size() >= packBytes) {
        full = w;
        writers.remove(type);
      }
    }
    if (full != null) {
      upload(full.finish());
    }
    return true;
  }

  /** Hands a finished pack to an upload thread, waiting while too many are in flight. */
  private void upload(FinishedPack p) throws IOException {
    try {
      packsInFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to upload a pack");
    }
    CompletableFuture<Void> f;
    try {
      f = CompletableFuture.runAsync(() -> {
        try {
          store(p);
        } catch (IOException e) {
          uploadFailure = e;
          throw new UncheckedIOException(e);
        } finally {
          packsInFlight.release();
        }
      }, uploads);
    } catch (RuntimeException e) {
      packsInFlight.release();
      throw e;
    }
    synchronized (pendingUploads) {
      pendingUploads.add(f);
      pendingUploads.removeIf(u -> u.isDone() && !u.isCompletedExceptionally());
    }
  }

  private void store(FinishedPack p) throws IOException {
    repo.backend().save(Handle.of(FileType.PACK, p.id()), p.bytes(), 0, p.length());
    storedBytes.addAndGet(p.length());
    packsWritten.incrementAndGet();
    repo.index().addPack(p.id(), p.blobs());
    List<PackBlobs> toWrite = null;
    synchronized (unindexed) {
      unindexed.add(new PackBlobs(p.id(), p.blobs()));
      unindexedBlobs += p.blobs().size();
      if (unindexedBlobs >= INDEX_FLUSH_BLOBS) {
        toWrite = takeUnindexed();
      }
    }
    if (toWrite != null) {
      writeIndex(toWrite);
    }
  }

  private List<PackBlobs> takeUnindexed() {
    List<PackBlobs> out = new ArrayList<>(unindexed);
    unindexed.clear();
    unindexedBlobs = 0;
    return out;
  }

  private void writeIndex(List<PackBlobs> packs) throws IOException {
    if (!packs.isEmpty()) {
      byte[] json = new IndexFile(List.of(), packs).toJson();
      storedBytes.addAndGet(json.length);
      repo.saveUnpacked(FileType.INDEX, json);
    }
  }

  /**
   * Stores the open packs, waits for every upload, and writes an index for every pack not yet
   * indexed. When it returns, everything saved so far is durable and indexed.
   */
  public void flush() throws IOException {
    List<PackWriter> open;
    synchronized (writers) {
      open = new ArrayList<>(writers.values());
      writers.clear();
    }
    for (PackWriter w : open) {
      upload(w.finish());
    }
    awaitUploads();
    List<PackBlobs> rest;
    synchronized (unindexed) {
      rest = takeUnindexed();
    }
    writeIndex(rest);
  }

  private void awaitUploads() throws IOException {
    List<CompletableFuture<Void>> all;
    synchronized (pendingUploads) {
      all = new ArrayList<>(pendingUploads);
      pendingUploads.clear();
    }
    for (CompletableFuture<Void> f : all) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for pack uploads");
      } catch (ExecutionException e) {
        Throwable c = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
        throw c instanceof IOException io ? io : new IOException("pack upload failed", c);
      }
    }
  }

  /** Blobs stored by this saver. */
  public long newBlobs() {
    return newBlobs.get();
  }

  /** Plaintext bytes of the blobs stored by this saver. */
  public long newPlainBytes() {
    return newPlainBytes.get();
  }

  /** Bytes written to the repository (packs and index files). */
  public long storedBytes() {
    return storedBytes.get();
  }

  /** Packs written. */
  public long packsWritten() {
    return packsWritten.get();
  }

}
