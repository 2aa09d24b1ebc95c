package dev.bulwark.core.prune;

import dev.bulwark.core.Id;
import dev.bulwark.core.pack.PackReader;
import dev.bulwark.core.pack.PackedBlob;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a prune will do, decided before anything changes.
 *
 * @param packSizes every pack file on disk and its size
 * @param keep packs left in place, with every blob they hold (all of it goes into the new index)
 * @param repack partly used packs to rewrite, each with the blobs to copy out of it, in file
 *     order
 * @param unused indexed packs no snapshot needs anything from
 * @param unindexed packs on disk that no index names
 * @param oldIndexes the index files the new index replaces
 * @param rewriteIndex true if the index must be rewritten (something is removed, or an index
 *     names packs that are gone or describes a pack twice)
 */
record PrunePlan(Map<Id, Long> packSizes, Map<Id, List<PackedBlob>> keep,
    Map<Id, List<PackedBlob>> repack, Set<Id> unused, Set<Id> unindexed, List<Id> oldIndexes,
    boolean rewriteIndex, long unusedBlobs, long duplicateBlobs, long unusedBytesRemoved,
    long unusedBytesLeft) {

  /** Bytes of pack files on disk now. */
  long bytesBefore() {
    return packSizes.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Stored bytes of the blobs repacking copies. */
  long bytesToRepack() {
    return repack.values().stream().flatMap(List::stream).mapToLong(PackedBlob::length).sum();
  }

  /** Blobs repacking copies. */
  long blobsToRepack() {
    return repack.values().stream().mapToLong(List::size).sum();
  }

  /** Bytes of the kept packs. */
  long bytesKept() {
    return keep.keySet().stream().mapToLong(packSizes::get).sum();
  }

  /** Packs repacking would write if each new pack were filled to {@code packBytes}. */
  long packsToWrite(int packBytes) {
    long n = 0;
    for (var type : dev.bulwark.core.BlobType.values()) {
      long bytes = repack.values().stream().flatMap(List::stream)
          .filter(b -> b.type() == type).mapToLong(PackedBlob::length).sum();
      n += (bytes + packBytes - 1) / packBytes;
    }
    return n;
  }

  /** Predicted bytes of the new packs: the copied blobs plus headers. */
  long bytesToWrite(int packBytes) {
    long bytes = repack.values().stream().mapToLong(PackReader::expectedSize).sum();
    // expectedSize counts one header per old pack; the new packs have their own.
    return bytes - 36L * repack.size() + 36L * packsToWrite(packBytes);
  }

  /** True if carrying out the plan would change nothing but temp files. */
  boolean isEmpty() {
    return !rewriteIndex && unused.isEmpty() && repack.isEmpty() && unindexed.isEmpty();
  }
}
