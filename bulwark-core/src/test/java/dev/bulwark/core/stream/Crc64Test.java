package dev.bulwark.core.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The table-driven CRC-64/XZ against the polynomial computed bit by bit. */
class Crc64Test {
  @Test
  void equalsTheBitwiseCrcForEveryLengthOffsetAndSplit() {
    SplittableRandom random = new SplittableRandom(8);
    byte[] data = new byte[300];
    random.nextBytes(data);
    for (int off = 0; off < 9; off++) {
      for (int len = 0; off + len <= data.length; len += 1 + random.nextInt(7)) {
        Crc64 whole = new Crc64();
        whole.update(data, off, len);
        assertThat(whole.value()).as("offset %d length %d", off, len)
            .isEqualTo(bitwise(data, off, len));
        int split = len == 0 ? 0 : random.nextInt(len);
        Crc64 parts = new Crc64();
        parts.update(data, off, split);
        for (int i = off + split; i < off + len; i++) {
          parts.update(data[i]);
        }
        assertThat(parts.value()).isEqualTo(whole.value());
      }
    }
  }

  @Test
  void twoPagesAtOnceEqualTheBitwiseCrcOfEach() {
    SplittableRandom random = new SplittableRandom(9);
    byte[] data = new byte[1100];
    random.nextBytes(data);
    long[] out = new long[2];
    for (int len = 0; len <= 512; len += 8) {
      int a = random.nextInt(data.length - len + 1);
      int b = random.nextInt(data.length - len + 1);
      Crc64.twoPages(data, a, b, len, out);
      assertThat(out).as("length %d at %d and %d", len, a, b)
          .containsExactly(bitwise(data, a, len), bitwise(data, b, len));
    }
  }

  private static long bitwise(byte[] b, int off, int len) {
    long c = -1L;
    for (int i = off; i < off + len; i++) {
      c ^= b[i] & 0xff;
      for (int k = 0; k < 8; k++) {
        c = (c & 1) != 0 ? (c >>> 1) ^ 0xC96C5795D7870F42L : c >>> 1;
      }
    }
    return ~c;
  }
}
