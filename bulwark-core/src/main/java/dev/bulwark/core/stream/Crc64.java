package dev.bulwark.core.stream;

/** CRC-64/XZ (ECMA-182 polynomial, reflected; check value of "123456789" 995dc9bbdf1939fa). */
final class Crc64 {
  private static final long POLY = 0xC96C5795D7870F42L;
  private static final long[] TABLE = table();

  private long crc = -1L;

  void update(int b) {
    crc = TABLE[(int) ((crc ^ b) & 0xff)] ^ (crc >>> 8);
  }

  void update(byte[] b, int off, int len) {
    long c = crc;
    for (int i = off; i < off + len; i++) {
      c = TABLE[(int) ((c ^ b[i]) & 0xff)] ^ (c >>> 8);
    }
    crc = c;
  }

  long value() {
    return ~crc;
  }

  private static long[] table() {
    long[] t = new long[256];
    for (int i = 0; i < 256; i++) {
      long c = i;
      for (int k = 0; k < 8; k++) {
        c = (c & 1) != 0 ? (c >>> 1) ^ POLY : c >>> 1;
      }
      t[i] = c;
    }
    return t;
  }
}
