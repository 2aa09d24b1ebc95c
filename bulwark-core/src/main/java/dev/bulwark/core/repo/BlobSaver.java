package dev.bulwark.core.repo;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.FileType;
import dev.bulwark.core.Id;
import dev.bulwark.core.index.IndexFile;
import dev.bulwark.core.index.PackBlobs;
import dev.bulwark.core.job.CheckpointCounter;
import dev.bulwark.core.job.CheckpointPolicy;
import dev.bulwark.core.job.JobYieldedException;
import dev.bulwark.core.pack.BlobCodec;
import dev.bulwark.core.pack.SpilledBlob;
import dev.bulwark.core.tree.Tree;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

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
 *
 * <p>Checkpoints: an index file is written every {@link CheckpointPolicy#every()} packs stored
 * (and at the latest every {@value #INDEX_FLUSH_BLOBS} blobs, restic's index file size), so a
 * backup killed at any instant leaves at most one batch of stored packs that no index names
 * (the packs of the current batch, plus those stored meanwhile on other upload threads); the
 * next backup loads the index and reuses the rest. Right after writing one, the saver asks the
 * policy's yield signal whether to stop; once it asks, {@link #throwIfYieldRequested()} throws,
 * no further checkpoint is written before {@link #flush()}, and the caller stops saving.
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
  private final CheckpointCounter checkpoints;
  /** Why the yield signal asked at a checkpoint; null while it has not. */
  private volatile @Nullable String yieldRequested;

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
   * {@code maxPacksInFlight} finished packs waiting or uploading at once, and checkpoints
   * with the default policy (never yielding).
   *
   * @param zstdLevel zstd level for blob content; 0 stores blobs uncompressed
   */
  public BlobSaver(Repository repo, int packBytes, int zstdLevel, Executor uploads,
      int maxPacksInFlight) {
    this(repo, packBytes, zstdLevel, uploads, maxPacksInFlight,
        new CheckpointCounter(CheckpointPolicy.defaults(), "saving blobs"));
  }

  /**
   * A saver that uploads packs on {@code uploads} (owned by the caller), with at most
   * {@code maxPacksInFlight} finished packs waiting or uploading at once, writing an index
   * checkpoint whenever {@code checkpoints} (counting stored packs) says one is due.
   *
   * @param zstdLevel zstd level for blob content; 0 stores blobs uncompressed
   */
  public BlobSaver(Repository repo, int packBytes, int zstdLevel, Executor uploads,
      int maxPacksInFlight, CheckpointCounter checkpoints) {
    if (packBytes < 1024 * 1024) {
      throw new IllegalArgumentException("pack size must be at least 1 MiB");
    }
    this.repo = repo;
    this.checkpoints = java.util.Objects.requireNonNull(checkpoints, "checkpoints");
    this.zstdLevel = repo.config().version() >= 2 ? zstdLevel : 0;
    this.uploader = new PackUploader(repo, packBytes, uploads, maxPacksInFlight, this::stored);
  }

  /**
   * Stores a blob unless the repository (or this saver) already has it.
   *
   * @return true if the blob was new
   */
  public boolean save(BlobType type, Id id, byte[] data, int off, int len) throws IOException {
    if (!claim(type, id)) {
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

  /**
   * Stores a tree blob unless the repository (or this saver) already has it, and returns its
   * id. A large tree (a file's content list at small chunks) is never held as one array: its
   * JSON is hashed, compressed and sealed as it is written, through a temporary file (see
   * {@link LargeBlobs}); a small one takes the in-memory path of {@link #save}.
   *
   * @return the tree's id, the SHA-256 of {@link Tree#toJson()}
   */
  public Id saveTree(Tree tree) throws IOException {
    if (!LargeBlobs.isLarge(tree.jsonLength())) {
      byte[] json = tree.toJson();
      Id id = Id.hash(json);
      save(BlobType.TREE, id, json, 0, json.length);
      return id;
    }
    SpilledBlob spilled = SpilledBlob.seal(repo.key(), zstdLevel, tree::writeJson);
    Id id = spilled.id();
    if (!claim(BlobType.TREE, id)) {
      return id;
    }
    newBlobs.incrementAndGet();
    newPlainBytes.addAndGet(spilled.plaintextLength());
    uploader.add(BlobType.TREE, id, spilled.sealed(), spilled.uncompressedLength());
    return id;
  }

  /** True if this caller is to store the blob: no index names it and no one else claimed it. */
  private boolean claim(BlobType type, Id id) {
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
    return true;
  }

  /**
   * True if the repository's index has the blob or this saver is storing it: {@link #save}
   * would skip it. A copy asks before reading a blob it would only hand to {@link #save}.
   */
  public boolean has(BlobType type, Id id) {
    return repo.index().has(type, id) || claimed.contains(new Key(type, id));
  }

  /**
   * Indexes a stored pack, writing an index file (a checkpoint) once enough packs or blobs wait
   * for one, then asking whether to yield.
   */
  private void stored(PackBlobs p, long bytes) throws IOException {
    storedBytes.addAndGet(bytes);
    packsWritten.incrementAndGet();
    repo.index().addPack(p.pack(), p.blobs());
    // Only after the index has them, so a concurrent save finds each blob in one or the other.
    for (var b : p.blobs()) {
      claimed.remove(new Key(b.type(), b.id()));
    }
    // One checkpoint at a time, and its yield question answered before the next can start:
    // a yield asked at one checkpoint must stop the job with no second one written.
    synchronized (unindexed) {
      unindexed.add(p);
      unindexedBlobs += p.blobs().size();
      boolean due = checkpoints.add(1);
      // After a yield no checkpoint is written: the caller stops, and flush() indexes the rest
      // only if it goes on to finish after all.
      if ((due || unindexedBlobs >= INDEX_FLUSH_BLOBS) && yieldRequested == null) {
        writeIndex(takeUnindexed());
        yieldRequested = checkpoints.recordCheckpoint();
      }
    }
  }

  /**
   * Throws if the yield signal asked to stop at a checkpoint: everything that checkpoint named
   * is durable and indexed, and the caller should stop.
   *
   * @throws JobYieldedException naming the counter's job and the signal's reason
   */
  public void throwIfYieldRequested() throws JobYieldedException {
    String why = yieldRequested;
    if (why != null) {
      throw new JobYieldedException(checkpoints.job(), why);
    }
  }

  /** Index checkpoints written so far (not counting the index {@link #flush()} writes). */
  public long checkpoints() {
    return checkpoints.checkpoints();
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
