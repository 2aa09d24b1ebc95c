package dev.bulwark.core.stream;

/**
 * Where one stored segment is: its database, generation and position range, and its stored
 * size in bytes (sealed and compressed).
 */
public record SegmentRef(String databaseId, long generation, long firstTxid, long lastTxid,
    long size) {
  public SegmentRef {
    SegmentName.requireDatabaseId(databaseId);
  }

  /** Its path under the repository's stream folder. */
  public String path() {
    return SegmentStore.generationFolder(databaseId, generation) + "/"
        + SegmentName.of(firstTxid, lastTxid);
  }

  @Override
  public String toString() {
    return "bulwark/streams/" + path();
  }
}
