package dev.bulwark.sqlite.wal;

/**
 * A point in one life of a WAL, just after a commit frame: enough to resume reading new frames
 * and to verify that the WAL is still the one read before.
 *
 * @param salt1 the WAL header's first salt when this position was reached
 * @param salt2 the WAL header's second salt
 * @param frameIndex index (from 0) of the next frame to read
 * @param checksum1 running first checksum after the frame before {@code frameIndex}
 * @param checksum2 running second checksum
 */
public record WalPosition(int salt1, int salt2, long frameIndex, int checksum1, int checksum2) {
  /** True when {@code header} starts the same life of the WAL as this position. */
  public boolean sameLifeAs(WalHeader header) {
    return header.salt1() == salt1 && header.salt2() == salt2;
  }
}
