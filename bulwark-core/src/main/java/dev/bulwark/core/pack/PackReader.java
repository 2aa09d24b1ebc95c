package dev.bulwark.core.pack;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.Id;
import dev.bulwark.core.crypto.MasterKey;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Reads the header at the end of a pack file, as restic's {@code pack.List} does. */
public final class PackReader {
  /** Reads {@code length} bytes at {@code offset} of the pack being parsed. */
  @FunctionalInterface
  public interface RangeReader {
    byte[] read(long offset, int length) throws IOException;
  }

  /** Bytes read in the first attempt: enough for the header of a pack of about 15 blobs. */
  private static final int EAGER_TAIL = 15 * PackFormat.COMPRESSED_ENTRY + 36;

  private PackReader() {}

  /**
   * Lists the blobs of a pack of {@code packSize} bytes.
   *
   * @throws CorruptionException if the header is missing, too large, fails authentication or
   *     describes blobs that do not fit before it
   */
  public static List<PackedBlob> readHeader(RangeReader reader, long packSize, MasterKey key,
      String what) throws IOException, CorruptionException {
    if (packSize < 4 + PackFormat.CRYPTO_OVERHEAD) {
      throw new CorruptionException(what + ": too short to be a pack (" + packSize + " bytes)");
    }
    int tailLen = (int) Math.min(packSize, EAGER_TAIL);
    byte[] tail = reader.read(packSize - tailLen, tailLen);
    long headerLen = PackFormat.getUintLe(tail, tailLen - 4);
    if (headerLen < PackFormat.CRYPTO_OVERHEAD || headerLen > packSize - 4
        || headerLen > PackFormat.MAX_HEADER_BYTES) {
      throw new CorruptionException(what + ": invalid header length " + headerLen);
    }
    byte[] sealed;
    int sealedOff;
    if (headerLen + 4 <= tailLen) {
      sealed = tail;
      sealedOff = (int) (tailLen - 4 - headerLen);
    } else {
      sealed = reader.read(packSize - 4 - headerLen, (int) headerLen);
      sealedOff = 0;
    }
    byte[] header = key.open(sealed, sealedOff, (int) headerLen);
    return parseHeader(header, packSize - 4 - headerLen, what);
  }

  /** Decodes a plaintext header; {@code blobsEnd} is where the header begins in the pack. */
  static List<PackedBlob> parseHeader(byte[] h, long blobsEnd, String what)
      throws CorruptionException {
    List<PackedBlob> out = new ArrayList<>();
    int p = 0;
    long offset = 0;
    while (p < h.length) {
      int t = h[p] & 0xff;
      boolean compressed = t == 2 || t == 3;
      if (t > 3) {
        throw new CorruptionException(what + ": invalid blob type " + t + " in pack header");
      }
      int entry = compressed ? PackFormat.COMPRESSED_ENTRY : PackFormat.PLAIN_ENTRY;
      if (p + entry > h.length) {
        throw new CorruptionException(what + ": truncated pack header");
      }
      long len = PackFormat.getUintLe(h, p + 1);
      long ulen = compressed ? PackFormat.getUintLe(h, p + 5) : 0;
      byte[] id = new byte[32];
      System.arraycopy(h, p + entry - 32, id, 0, 32);
      if (len < PackFormat.CRYPTO_OVERHEAD || offset + len > blobsEnd || ulen > Integer.MAX_VALUE
          || len > Integer.MAX_VALUE) {
        throw new CorruptionException(what + ": pack header entry out of range");
      }
      BlobType type = (t & 1) == 0 ? BlobType.DATA : BlobType.TREE;
      out.add(new PackedBlob(type, Id.of(id), offset, (int) len, (int) ulen));
      offset += len;
      p += entry;
    }
    return out;
  }

  /** The size a pack holding exactly {@code blobs} must have. */
  public static long expectedSize(List<PackedBlob> blobs) {
    long size = 4 + PackFormat.CRYPTO_OVERHEAD;
    for (PackedBlob b : blobs) {
      size += b.length() + (b.isCompressed() ? PackFormat.COMPRESSED_ENTRY : PackFormat.PLAIN_ENTRY);
    }
    return size;
  }
}
