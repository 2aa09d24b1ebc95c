package dev.bulwark.core.pack;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.Id;

/**
 * Where one blob sits inside a pack.
 *
 * @param offset position of the sealed blob in the pack
 * @param length stored (sealed) length, 32 bytes of crypto overhead included
 * @param uncompressedLength plaintext length for zstd-compressed blobs; 0 if stored raw
 */
public record PackedBlob(BlobType type, Id id, long offset, int length, int uncompressedLength) {
  public PackedBlob {
    if (type == null || id == null || offset < 0 || length < 32 || uncompressedLength < 0) {
      throw new IllegalArgumentException("invalid packed blob " + id + " at " + offset);
    }
  }

  /** True if the stored plaintext is a zstd frame. */
  public boolean isCompressed() {
    return uncompressedLength != 0;
  }

  /** Length of the blob's plaintext after decompression. */
  public int plaintextLength() {
    return isCompressed() ? uncompressedLength : length - 32;
  }
}
