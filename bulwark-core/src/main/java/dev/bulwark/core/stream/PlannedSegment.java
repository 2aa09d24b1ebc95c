package dev.bulwark.core.stream;

import java.time.Instant;

/**
 * A segment a replay will apply, as checked while planning: where it is and what its header
 * says, without its pages (so a plan of thousands of segments holds no page data).
 *
 * @param ref where it is stored, with its stored size
 * @param pages how many pages it carries
 */
public record PlannedSegment(SegmentRef ref, int pageSize, long pageCount,
    PageSetChecksum before, PageSetChecksum after, Instant firstCommit, Instant lastCommit,
    int pages) {

  /** The header of {@code s}, stored at {@code ref}. */
  static PlannedSegment of(SegmentRef ref, Segment s) {
    return new PlannedSegment(ref, s.pageSize(), s.pageCount(), s.before(), s.after(),
        s.firstCommit(), s.lastCommit(), s.pages().size());
  }

  /** True if {@code s} is the segment this one was planned from. */
  boolean describes(Segment s) {
    return s.pageSize() == pageSize && s.pageCount() == pageCount && s.before().equals(before)
        && s.after().equals(after) && s.pages().size() == pages;
  }

  /**
   * Bytes of page data it writes.
   *
   * @return the page bytes, for progress and the plan's totals
   */
  public long pageBytes() {
    return (long) pages * pageSize;
  }
}
