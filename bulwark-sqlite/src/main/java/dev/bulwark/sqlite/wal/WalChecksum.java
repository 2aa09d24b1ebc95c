package dev.bulwark.sqlite.wal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * SQLite's WAL checksum: a running pair of 32-bit sums over 32-bit words, read in the byte
 * order the header's magic names. It is cumulative: each frame's sums seed the next frame's.
 */
public final class WalChecksum {
  private static final VarHandle BIG =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LITTLE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private WalChecksum() {}

  /**
   * Continues the sums {@code s} (two ints, updated in place) over {@code len} bytes of
   * {@code buf} from {@code off}; {@code len} is a multiple of 8, as SQLite requires.
   */
  public static void update(int[] s, byte[] buf, int off, int len, boolean bigEndian) {
    if (len % 8 != 0) {
      throw new IllegalArgumentException("WAL checksum length must be a multiple of 8: " + len);
    }
    // One view per byte order, chosen outside the loop: the loop runs for every page read.
    VarHandle words = bigEndian ? BIG : LITTLE;
    int s0 = s[0];
    int s1 = s[1];
    for (int i = off; i < off + len; i += 8) {
      s0 += (int) words.get(buf, i) + s1;
      s1 += (int) words.get(buf, i + 4) + s0;
    }
    s[0] = s0;
    s[1] = s1;
  }
}
