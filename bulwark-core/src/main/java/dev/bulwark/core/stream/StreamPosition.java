package dev.bulwark.core.stream;

/**
 * A point in a database's stream: transaction position {@code txid} of generation {@code
 * generation}. Positions compare only within one generation.
 *
 * @param generation the generation: a run of the stream that begins with a snapshot
 * @param txid the transaction position within the generation; 0 is its start
 */
public record StreamPosition(long generation, long txid) {
  /**
   * Checks the position is not negative.
   *
   * @param generation the generation
   * @param txid the transaction position; at least 0
   */
  public StreamPosition {
    if (txid < 0) {
      throw new IllegalArgumentException("negative stream position: " + txid);
    }
  }

  @Override
  public String toString() {
    return SegmentName.generation(generation) + "/" + txid;
  }
}
