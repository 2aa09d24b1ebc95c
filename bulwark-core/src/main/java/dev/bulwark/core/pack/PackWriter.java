package dev.bulwark.core.pack;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.Id;
import dev.bulwark.core.crypto.MasterKey;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects sealed blobs of one type into a pack held in memory, then appends the encrypted
 * header. The blobs are kept as they were added, not copied into one buffer: a pack of 16 MiB
 * in one array is a "humongous" object for the garbage collector, and on a 128 MiB heap a few
 * of them could find no contiguous room while far more was free in total.
 *
 * <p>Not thread-safe: callers serialize {@link #add} (sealing, the expensive part, happens
 * before, in the caller's thread).
 */
public final class PackWriter {
  private final MasterKey key;
  private final List<ByteBuffer> parts = new ArrayList<>();
  private int size;
  private final List<PackedBlob> blobs = new ArrayList<>();
  private boolean finished;

  /** An empty writer sealing its header with {@code key}. */
  public PackWriter(MasterKey key) {
    this.key = key;
  }

  /**
   * Appends one sealed blob. The array is kept, not copied: it must not change afterwards.
   *
   * @param sealed the blob as {@link MasterKey#seal} returned it
   * @param uncompressedLength plaintext length if the sealed content is a zstd frame, else 0
   */
  public PackedBlob add(BlobType type, Id id, byte[] sealed, int uncompressedLength) {
    return add(type, id, ByteBuffer.wrap(sealed), uncompressedLength);
  }

  /**
   * Appends one sealed blob held in a buffer (from its position to its limit), such as a
   * {@link SpilledBlob}'s file mapping. The buffer is kept, not copied: its content must not
   * change afterwards.
   *
   * @param uncompressedLength plaintext length if the sealed content is a zstd frame, else 0
   */
  public PackedBlob add(BlobType type, Id id, ByteBuffer sealed, int uncompressedLength) {
    if (finished) {
      throw new IllegalStateException("pack already finished");
    }
    int length = sealed.remaining();
    if (length > Integer.MAX_VALUE - 1024 - size) {
      throw new IllegalStateException("a pack cannot grow past 2 GiB");
    }
    parts.add(sealed.slice().asReadOnlyBuffer());
    PackedBlob b = new PackedBlob(type, id, size, length, uncompressedLength);
    size += length;
    blobs.add(b);
    return b;
  }

  /** Bytes written so far (blobs only). */
  public int size() {
    return size;
  }

  /** Number of blobs added. */
  public int count() {
    return blobs.size();
  }

  /** Appends the header and returns the finished pack; the writer is unusable afterwards. */
  public FinishedPack finish() {
    if (finished) {
      throw new IllegalStateException("pack already finished");
    }
    finished = true;
    byte[] header = encodeHeader(blobs);
    byte[] sealedHeader = key.seal(header, 0, header.length);
    byte[] tail = Arrays.copyOf(sealedHeader, sealedHeader.length + 4);
    PackFormat.putIntLe(tail, sealedHeader.length, sealedHeader.length);
    parts.add(ByteBuffer.wrap(tail).asReadOnlyBuffer());
    size += tail.length;
    MessageDigest sha = Id.sha256();
    for (ByteBuffer p : parts) {
      sha.update(p.duplicate());
    }
    return new FinishedPack(Id.of(sha.digest()), List.copyOf(parts), size, List.copyOf(blobs));
  }

  static byte[] encodeHeader(List<PackedBlob> blobs) {
    int len = 0;
    for (PackedBlob b : blobs) {
      len += b.isCompressed() ? PackFormat.COMPRESSED_ENTRY : PackFormat.PLAIN_ENTRY;
    }
    byte[] h = new byte[len];
    int p = 0;
    for (PackedBlob b : blobs) {
      h[p++] = (byte) PackFormat.entryType(b.type(), b.isCompressed());
      PackFormat.putIntLe(h, p, b.length());
      p += 4;
      if (b.isCompressed()) {
        PackFormat.putIntLe(h, p, b.uncompressedLength());
        p += 4;
      }
      b.id().copyTo(h, p);
      p += 32;
    }
    return h;
  }

}
