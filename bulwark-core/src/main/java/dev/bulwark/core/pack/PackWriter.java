package dev.bulwark.core.pack;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.Id;
import dev.bulwark.core.crypto.MasterKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects sealed blobs of one type into a pack held in memory, then appends the encrypted
 * header. Not thread-safe: callers serialize {@link #add} (sealing, the expensive part, happens
 * before, in the caller's thread).
 */
public final class PackWriter {
  private final MasterKey key;
  private byte[] buf;
  private int size;
  private final List<PackedBlob> blobs = new ArrayList<>();
  private boolean finished;

  /** A writer whose buffer starts at {@code initialCapacity} bytes and grows as needed. */
  public PackWriter(MasterKey key, int initialCapacity) {
    this.key = key;
    this.buf = new byte[Math.max(1024, initialCapacity)];
  }

  /**
   * Appends one sealed blob.
   *
   * @param sealed the blob as {@link MasterKey#seal} returned it
   * @param uncompressedLength plaintext length if the sealed content is a zstd frame, else 0
   */
  public PackedBlob add(BlobType type, Id id, byte[] sealed, int uncompressedLength) {
    if (finished) {
      throw new IllegalStateException("pack already finished");
    }
    ensure(sealed.length);
    System.arraycopy(sealed, 0, buf, size, sealed.length);
    PackedBlob b = new PackedBlob(type, id, size, sealed.length, uncompressedLength);
    size += sealed.length;
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
    ensure(sealedHeader.length + 4);
    System.arraycopy(sealedHeader, 0, buf, size, sealedHeader.length);
    size += sealedHeader.length;
    PackFormat.putIntLe(buf, size, sealedHeader.length);
    size += 4;
    Id id = Id.hash(buf, 0, size);
    FinishedPack p = new FinishedPack(id, buf, size, List.copyOf(blobs));
    buf = null;
    return p;
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

  private void ensure(int more) {
    if (size + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(size + more, buf.length * 3 / 2));
    }
  }
}
