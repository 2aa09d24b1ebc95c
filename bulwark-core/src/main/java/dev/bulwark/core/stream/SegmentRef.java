package dev.bulwark.core.stream;

/**
 * Where one stored segment is: its database, generation and position range, its stored size in
 * bytes (sealed and compressed) and the lease epoch it was written under (0: none).
 *
 * @param databaseId the stream's database id
 * @param generation the generation the segment belongs to
 * @param firstTxid the first transaction position it holds
 * @param lastTxid the last transaction position it holds
 * @param size its stored size in bytes
 * @param epoch the lease epoch it was written under; 0 for none
 */
public record SegmentRef(String databaseId, long generation, long firstTxid, long lastTxid,
    long size, long epoch) {
  /**
   * Checks the id and the epoch.
   *
   * @param databaseId the stream's database id
   * @param generation the generation the segment belongs to
   * @param firstTxid the first transaction position it holds
   * @param lastTxid the last transaction position it holds
   * @param size its stored size in bytes
   * @param epoch the lease epoch; not negative
   */
  public SegmentRef {
    SegmentName.requireDatabaseId(databaseId);
    if (epoch < 0) {
      throw new IllegalArgumentException("negative epoch: " + epoch);
    }
  }

  /**
   * A segment written without a lease (epoch 0).
   *
   * @param databaseId the stream's database id
   * @param generation the generation the segment belongs to
   * @param firstTxid the first transaction position it holds
   * @param lastTxid the last transaction position it holds
   * @param size its stored size in bytes
   */
  public SegmentRef(String databaseId, long generation, long firstTxid, long lastTxid,
      long size) {
    this(databaseId, generation, firstTxid, lastTxid, size, 0);
  }

  /**
   * Its path under the repository's stream folder.
   *
   * @return the relative path, {@code <database>/<generation>/<segment>}
   */
  public String path() {
    return SegmentStore.generationFolder(databaseId, generation) + "/"
        + SegmentName.of(firstTxid, lastTxid, epoch);
  }

  @Override
  public String toString() {
    return "bulwark/streams/" + path();
  }
}
