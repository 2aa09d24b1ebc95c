package dev.bulwark.core.stream;

/**
 * A state of a database's stream: the position and the checksum of the database there.
 *
 * @param position where in the stream
 * @param checksum the {@link PageSetChecksum} of the database at that position
 */
public record StreamPoint(StreamPosition position, PageSetChecksum checksum) {
  /**
   * Checks both parts are given.
   *
   * @param position where in the stream; not null
   * @param checksum the database's checksum there; not null
   */
  public StreamPoint {
    if (position == null || checksum == null) {
      throw new IllegalArgumentException("position and checksum are required");
    }
  }

  @Override
  public String toString() {
    return "generation " + SegmentName.generation(position.generation()) + " transaction "
        + position.txid() + " (checksum " + checksum.hex() + ")";
  }
}
