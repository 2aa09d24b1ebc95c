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
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes new blobs into a repository: skips blobs already stored, compresses and seals the rest
 * in the caller's thread, gathers them into packs (one pack per blob type), stores full packs
 * and writes index files for them. Thread-safe; callers provide the parallelism.
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

  /**
   * @param zstdLevel zstd level for blob content; 0 stores blobs uncompressed
   */
  public BlobSaver(Repository repo, int packBytes, int zstdLevel) {
    if (packBytes < 1024 * 1024) {
      throw new IllegalArgumentException("pack size must be at least 1 MiB");
    }
    this.repo = repo;
    this.packBytes = packBytes;
    this.zstdLevel = repo.config().version() >= 2 ? zstdLevel : 0;
  }

  /**
   * Stores a blob unless the repository (or this saver) already has it.
   *
   * @return true if the blob was new
   */
  public boolean save(BlobType type, Id id, byte[] data, int off, int len) throws IOException {
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
    FinishedPack full = null;
    synchronized (writers) {
      PackWriter w = writers.computeIfAbsent(type,
          t -> new PackWriter(repo.key(), packBytes + packBytes / 8));
      w.add(type, id, sealed, uncompressed);
      if (w.size() >= packBytes) {
        full = w.finish();
        writers.remove(type);
      }
    }
    if (full != null) {
      store(full);
    }
    return true;
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

  /** Stores the open packs and writes an index for every pack not yet indexed. */
  public void flush() throws IOException {
    List<FinishedPack> open = new ArrayList<>();
    synchronized (writers) {
      for (PackWriter w : writers.values()) {
        open.add(w.finish());
      }
      writers.clear();
    }
    for (FinishedPack p : open) {
      store(p);
    }
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
