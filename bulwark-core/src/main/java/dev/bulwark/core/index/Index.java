package dev.bulwark.core.index;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.Id;
import dev.bulwark.core.pack.PackedBlob;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where every blob of a repository is: the merge of all index files plus the packs saved by
 * the running process. Thread-safe.
 *
 * <p>A blob may be stored in several packs; the first location seen wins, as any copy is good.
 */
public final class Index {
  private record Key(BlobType type, Id id) {}

  // Swapped whole by replaceWith, so readers never see a half-reloaded index.
  private volatile Map<Key, BlobLocation> blobs = new ConcurrentHashMap<>();

  /** Adds every blob of one stored pack. */
  public void addPack(Id pack, Iterable<PackedBlob> packBlobs) {
    for (PackedBlob b : packBlobs) {
      blobs.putIfAbsent(new Key(b.type(), b.id()), new BlobLocation(pack, b));
    }
  }

  /** Adds every pack of an index file. */
  public void addAll(IndexFile file) {
    for (PackBlobs p : file.packs()) {
      addPack(p.pack(), p.blobs());
    }
  }

  /**
   * Makes this index hold exactly what {@code fresh} holds, in one step. Packs added here but
   * not in {@code fresh} are dropped, so no backup of this process may run meanwhile.
   */
  public void replaceWith(Index fresh) {
    blobs = new ConcurrentHashMap<>(fresh.blobs);
  }

  /** Where a blob is stored, if anywhere. */
  public Optional<BlobLocation> find(BlobType type, Id id) {
    return Optional.ofNullable(blobs.get(new Key(type, id)));
  }

  /** True if a blob of this type and id is stored. */
  public boolean has(BlobType type, Id id) {
    return blobs.containsKey(new Key(type, id));
  }

  /** Plaintext bytes of all distinct blobs: what the repository holds before compression. */
  public long plaintextBytes() {
    long sum = 0;
    for (BlobLocation l : blobs.values()) {
      sum += l.blob().plaintextLength();
    }
    return sum;
  }

  /** Number of distinct blobs known. */
  public int blobCount() {
    return blobs.size();
  }
}
