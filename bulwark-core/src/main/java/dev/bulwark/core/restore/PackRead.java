package dev.bulwark.core.restore;

import dev.bulwark.core.Id;
import java.util.List;

/**
 * One ranged read of a pack, {@code length} bytes from {@code packOffset}, and the blobs of the
 * file being restored that it holds (in pack order, each with its place in the file; a blob the
 * file holds several times is there once per place). The range may also span bytes the file
 * does not need: blobs of other files between its own.
 *
 * @param plainBytes the plaintext of its distinct blobs: what opening them holds in memory
 */
record PackRead(Id pack, long packOffset, int length, long plainBytes, List<PlacedBlob> blobs) {
  /** The smallest file offset among the blobs: where in the file this read's bytes begin. */
  long firstFileOffset() {
    long min = Long.MAX_VALUE;
    for (PlacedBlob b : blobs) {
      min = Math.min(min, b.fileOffset());
    }
    return min;
  }
}
