package dev.bulwark.sqlite.wal;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The 32-byte header of a WAL file. Its salts identify one life of the WAL: SQLite writes a new
 * header with new salts each time it restarts the log from the beginning.
 *
 * @param bigEndian checksum byte order (magic 0x377f0683) or little-endian (0x377f0682)
 * @param pageSize database page size in bytes
 * @param checkpointSequence incremented by SQLite at each WAL reset
 * @param salt1 first salt, copied into every valid frame header
 * @param salt2 second salt, copied into every valid frame header
 * @param checksum1 first checksum over the header's first 24 bytes (seed of frame 0)
 * @param checksum2 second checksum over the header's first 24 bytes
 */
public record WalHeader(boolean bigEndian, int pageSize, int checkpointSequence, int salt1,
    int salt2, int checksum1, int checksum2) {
  /** Size of the header in bytes. */
  public static final int SIZE = 32;
  static final int MAGIC_LE = 0x377f0682;
  static final int MAGIC_BE = 0x377f0683;
  static final int VERSION = 3007000;

  /**
   * Parses a header, or returns empty when SQLite would not accept it either (bad magic,
   * version, page size or checksum): SQLite then treats the WAL as empty.
   */
  public static Optional<WalHeader> parse(byte[] b) {
    ByteBuffer buf = ByteBuffer.wrap(b, 0, SIZE);
    int magic = buf.getInt(0);
    if (magic != MAGIC_LE && magic != MAGIC_BE) {
      return Optional.empty();
    }
    int pageSize = buf.getInt(8);
    if (buf.getInt(4) != VERSION || !validPageSize(pageSize)) {
      return Optional.empty();
    }
    boolean bigEndian = magic == MAGIC_BE;
    int[] s = new int[2];
    WalChecksum.update(s, b, 0, 24, bigEndian);
    if (s[0] != buf.getInt(24) || s[1] != buf.getInt(28)) {
      return Optional.empty();
    }
    return Optional.of(new WalHeader(bigEndian, pageSize, buf.getInt(12), buf.getInt(16),
        buf.getInt(20), s[0], s[1]));
  }

  /** Where reading this WAL begins: before frame 0, seeded with the header's checksum. */
  public WalPosition start() {
    return new WalPosition(salt1, salt2, 0, checksum1, checksum2);
  }

  private static boolean validPageSize(int size) {
    return size >= 512 && size <= 65536 && Integer.bitCount(size) == 1;
  }
}
