package dev.bulwark.sqlite.wal;

/**
 * SQLite's WAL checksum: a running pair of 32-bit sums over 32-bit words, read in the byte
 * order the header's magic names. It is cumulative: each frame's sums seed the next frame's.
 */
public final class WalChecksum {
  private WalChecksum() {}

  /**
   * Continues the sums {@code s} (two ints, updated in place) over {@code len} bytes of
   * {@code buf} from {@code off}; {@code len} is a multiple of 8, as SQLite requires.
   */
  public static void update(int[] s, byte[] buf, int off, int len, boolean bigEndian) {
    if (len % 8 != 0) {
      throw new IllegalArgumentException("WAL checksum length must be a multiple of 8: " + len);
    }
    int s0 = s[0];
    int s1 = s[1];
    for (int i = off; i < off + len; i += 8) {
      s0 += word(buf, i, bigEndian) + s1;
      s1 += word(buf, i + 4, bigEndian) + s0;
    }
    s[0] = s0;
    s[1] = s1;
  }

  private static int word(byte[] b, int i, boolean bigEndian) {
    if (bigEndian) {
      return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8
          | (b[i + 3] & 0xff);
    }
    return (b[i + 3] & 0xff) << 24 | (b[i + 2] & 0xff) << 16 | (b[i + 1] & 0xff) << 8
        | (b[i] & 0xff);
  }
}
