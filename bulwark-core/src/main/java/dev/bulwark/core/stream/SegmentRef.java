package dev.bulwark.core.stream;

/**
 * Where one stored segment is: its database, generation and position range, its stored size in
 * bytes (sealed and compressed) and the lease epoch it was written under (0: none).
 */
public record SegmentRef(String databaseId, long generation, long firstTxid, long lastTxid,
    long size, long epoch) {
  public SegmentRef {
    SegmentName.requireDatabaseId(databaseId);
    if (epoch < 0) {
      throw new IllegalArgumentException("negative epoch: " + epoch);
    }
  }

  /** A segment written without a lease (epoch 0). */
  public SegmentRef(String databaseId, long generation, long firstTxid, long lastTxid,
      long size) {
    this(databaseId, generation, firstTxid, lastTxid, size, 0);
  }

  /** Its path under the repository's stream folder. */
  public String path() {
    return SegmentStore.generationFolder(databaseId, generation) + "/"
        + SegmentName.of(firstTxid, lastTxid, epoch);
  }

  @Override
  public String toString() {
    return "bulwark/streams/" + path();
  }
}
