package dev.bulwark.core.stream;

/**
 * A point in a database's stream: transaction position {@code txid} of generation {@code
 * generation}. Positions compare only within one generation.
 */
public record StreamPosition(long generation, long txid) {
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
