package dev.bulwark.core.index;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.Id;
import dev.bulwark.core.pack.PackedBlob;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Where every blob of a repository is: the merge of all index files plus the packs saved by
 * the running process. Thread-safe.
 *
 * <p>A blob may be stored in several packs; the first location seen wins, as any copy is good.
 *
 * <p>Held in a compact {@link BlobTable} (about 60 bytes a blob instead of about 190 as objects
 * in a hash map): a large database at small chunks has hundreds of thousands of blobs, and the
 * index must fit a small heap beside them.
 */
public final class Index {
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  // Swapped whole by replaceWith, so readers never see a half-reloaded index.
  private BlobTable blobs = new BlobTable();

  /** Adds every blob of one stored pack. */
  public void addPack(Id pack, Iterable<PackedBlob> packBlobs) {
    lock.writeLock().lock();
    try {
      int packNumber = blobs.packNumber(pack);
      for (PackedBlob b : packBlobs) {
        blobs.putIfAbsent(packNumber, b);
      }
    } finally {
      lock.writeLock().unlock();
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
    BlobTable copy;
    fresh.lock.readLock().lock();
    try {
      copy = fresh.blobs.copy();
    } finally {
      fresh.lock.readLock().unlock();
    }
    lock.writeLock().lock();
    try {
      blobs = copy;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Where a blob is stored, if anywhere. */
  public Optional<BlobLocation> find(BlobType type, Id id) {
    lock.readLock().lock();
    try {
      return Optional.ofNullable(blobs.find(type, id));
    } finally {
      lock.readLock().unlock();
    }
  }

  /** True if a blob of this type and id is stored. */
  public boolean has(BlobType type, Id id) {
    lock.readLock().lock();
    try {
      return blobs.has(type, id);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Plaintext bytes of all distinct blobs: what the repository holds before compression. */
  public long plaintextBytes() {
    lock.readLock().lock();
    try {
      return blobs.plaintextBytes();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Number of distinct blobs known. */
  public int blobCount() {
    lock.readLock().lock();
    try {
      return blobs.size();
    } finally {
      lock.readLock().unlock();
    }
  }
}
