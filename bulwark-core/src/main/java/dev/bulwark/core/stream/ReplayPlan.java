package dev.bulwark.core.stream;

import dev.bulwark.core.repo.Snapshot;
import java.time.Instant;
import java.util.List;

/**
 * What a point-in-time restore does: restore {@code snapshot}, whose database is at {@code
 * start}, then apply {@code segments} in order. Made by {@link ReplayPlanner}, which has loaded,
 * authenticated and chained every segment in it; applied by {@link PageReplay}.
 *
 * @param snapshot the snapshot to restore first
 * @param start its place in the stream
 * @param pageSize the database's page size, or 0 if neither a segment nor the snapshot's tags
 *     tell it (then there is nothing to replay)
 * @param segments the segments to apply, consecutive from {@code start.txid() + 1}
 */
public record ReplayPlan(Snapshot snapshot, StreamTags start, int pageSize,
    List<PlannedSegment> segments) {
  /**
   * Copies the segment list.
   *
   * @param snapshot the snapshot to restore first
   * @param start its place in the stream
   * @param pageSize the database's page size, or 0 if unknown
   * @param segments the segments to apply, consecutive from {@code start.txid() + 1}
   */
  public ReplayPlan {
    segments = List.copyOf(segments);
    if (pageSize == 0 && !segments.isEmpty()) {
      throw new IllegalArgumentException("a plan with segments needs a page size");
    }
  }

  /**
   * The point the restore reaches: the last segment's end, or the snapshot's own.
   *
   * @return the generation and transaction position reached
   */
  public StreamPosition reached() {
    return new StreamPosition(start.generation(),
        segments.isEmpty() ? start.txid() : segments.get(segments.size() - 1).ref().lastTxid());
  }

  /**
   * When the point reached was committed: the last segment's last commit, or the snapshot's time
   * if there are no segments.
   *
   * @return the commit time of the point reached
   */
  public Instant reachedTime() {
    return segments.isEmpty() ? snapshot.time()
        : segments.get(segments.size() - 1).lastCommit();
  }

  /**
   * The bytes of segments to download (as stored: sealed and compressed).
   *
   * @return the download size in bytes
   */
  public long segmentBytes() {
    return segments.stream().mapToLong(s -> s.ref().size()).sum();
  }

  /**
   * The bytes of pages the replay writes.
   *
   * @return the page bytes written
   */
  public long pageBytes() {
    return segments.stream().mapToLong(PlannedSegment::pageBytes).sum();
  }

  /**
   * The checksum the database has once every segment is applied.
   *
   * @return the checksum the replayed copy is checked against
   */
  public PageSetChecksum reachedChecksum() {
    return segments.isEmpty() ? start.checksum() : segments.get(segments.size() - 1).after();
  }
}
