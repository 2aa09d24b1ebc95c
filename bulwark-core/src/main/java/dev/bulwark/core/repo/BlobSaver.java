package dev.bulwark.core.repo;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.FileType;
import dev.bulwark.core.Id;
import dev.bulwark.core.index.IndexFile;
import dev.bulwark.core.index.PackBlobs;
import dev.bulwark.core.pack.BlobCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes new blobs into a repository: skips blobs already stored, compresses and seals the rest
 * in the caller's thread, hands them to a {@link PackUploader} (one pack per blob type, full
 * packs stored on upload threads) and writes index files for the stored packs. Thread-safe;
 * callers provide the parallelism of sealing.
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
  private final int zstdLevel;
  // Blobs being stored by this saver and not yet in the index.
  private final Set<Key> claimed = ConcurrentHashMap.newKeySet();
  private final PackUploader uploader;
  private final List<PackBlobs> unindexed = new ArrayList<>();
  private int unindexedBlobs;
  private final AtomicLong newBlobs = new AtomicLong();
  private final AtomicLong newPlainBytes = new AtomicLong();
  private final AtomicLong storedBytes = new AtomicLong();
  private final AtomicLong packsWritten = new AtomicLong();

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
    this.zstdLevel = repo.config().version() >= 2 ? zstdLevel : 0;
    this.uploader = new PackUploader(repo, packBytes, uploads, maxPacksInFlight, this::stored);
  }

  /**
   * Stores a blob unless the repository (or this saver) already has it.
   *
   * @return true if the blob was new
   */
  public boolean save(BlobType type, Id id, byte[] data, int off, int len) throws IOException {
    if (repo.index().has(type, id)) {
      return false;
    }
    Key key = new Key(type, id);
    if (!claimed.add(key)) {
      return false;
    }
    // A claim ends once its pack is indexed (so claims never outnumber the blobs in flight): a
    // claim taken just after that must see the blob in the index, or it would be stored twice.
    if (repo.index().has(type, id)) {
      claimed.remove(key);
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
    uploader.add(type, id, sealed, uncompressed);
    return true;
  }

  /** Indexes a stored pack, writing an index file once enough blobs wait for one. */
  private void stored(PackBlobs p, long bytes) throws IOException {
    storedBytes.addAndGet(bytes);
    packsWritten.incrementAndGet();
    repo.index().addPack(p.pack(), p.blobs());
    // Only after the index has them, so a concurrent save finds each blob in one or the other.
    for (var b : p.blobs()) {
      claimed.remove(new Key(b.type(), b.id()));
    }
    List<PackBlobs> toWrite = null;
    synchronized (unindexed) {
      unindexed.add(p);
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
   * Stores the open packs and waits for every upload, without writing an index yet: frees the
   * memory the packs held before a phase that needs it (a backup's trees, whose largest blob is
   * a file's whole content list).
   */
  public void storeOpenPacks() throws IOException {
    uploader.flush();
  }

  /**
   * Stores the open packs, waits for every upload, and writes an index for every pack not yet
   * indexed. When it returns, everything saved so far is durable and indexed.
   */
  public void flush() throws IOException {
    uploader.flush();
    List<PackBlobs> rest;
    synchronized (unindexed) {
      rest = takeUnindexed();
    }
    writeIndex(rest);
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
