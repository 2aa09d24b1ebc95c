package dev.bulwark.core.pack;

/** Sizes of restic's pack layout. */
final class PackFormat {
  /** Header entry of an uncompressed blob: type, length, id. */
  static final int PLAIN_ENTRY = 1 + 4 + 32;
  /** Header entry of a compressed blob: type, length, uncompressed length, id. */
  static final int COMPRESSED_ENTRY = 1 + 4 + 4 + 32;
  /** Largest header restic reads. */
  static final int MAX_HEADER_BYTES = 16 * 1024 * 1024 + 4;
  /** Crypto overhead of a sealed blob. */
  static final int CRYPTO_OVERHEAD = 32;

  private PackFormat() {}

  static int entryType(dev.bulwark.core.BlobType type, boolean compressed) {
    int t = type == dev.bulwark.core.BlobType.DATA ? 0 : 1;
    return compressed ? t + 2 : t;
  }

  static void putIntLe(byte[] b, int off, int v) {
    b[off] = (byte) v;
    b[off + 1] = (byte) (v >>> 8);
    b[off + 2] = (byte) (v >>> 16);
    b[off + 3] = (byte) (v >>> 24);
  }

  static long getUintLe(byte[] b, int off) {
    return (b[off] & 0xffL) | (b[off + 1] & 0xffL) << 8 | (b[off + 2] & 0xffL) << 16
        | (b[off + 3] & 0xffL) << 24;
  }
}
