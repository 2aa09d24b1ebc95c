package dev.bulwark.core.stream;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides which merged segments one generation lacks, from the names of its segments and the
 * commit times of their ends; reads nothing. A merge at level k covers the ends whose commit
 * time falls in one level-k bucket, from the end before them + 1 to the last of them, once the
 * bucket is complete (a later end exists, or the bucket ended more than one level-1 span ago).
 * A range one stored segment already covers exactly is not planned again, so the plan of a
 * stream compacted before is empty. Stateless.
 */
final class CompactionPlanner {
  /** One merged segment to make. */
  record Merge(int level, long firstTxid, long lastTxid) {}

  private final CompactionLevels levels;

  CompactionPlanner(CompactionLevels levels) {
    this.levels = levels;
  }

  /**
   * The merges {@code refs} lack, lowest level first, in position order within a level.
   *
   * @param refs the generation's segments
   * @param endTimes the last commit time of the newest ends of {@code refs}, a contiguous run
   *     reaching back past {@link CompactionLevels#horizon} of the newest (or to the first end)
   * @param now the current time, which completes a bucket nothing follows yet
   */
  List<Merge> plan(List<SegmentRef> refs, NavigableMap<Long, Instant> endTimes, Instant now) {
    List<Merge> merges = new ArrayList<>();
    if (refs.isEmpty() || endTimes.isEmpty()) {
      return merges;
    }
    Set<Range> stored = new HashSet<>();
    TreeSet<Long> ends = new TreeSet<>();
    long chainStart = Long.MAX_VALUE;
    for (SegmentRef r : refs) {
      stored.add(new Range(r.firstTxid(), r.lastTxid()));
      ends.add(r.lastTxid());
      chainStart = Math.min(chainStart, r.firstTxid());
    }
    Instant horizon = levels.horizon(endTimes.lastEntry().getValue());
    List<Map.Entry<Long, Instant>> considered = new ArrayList<>();
    for (Map.Entry<Long, Instant> e : endTimes.entrySet()) {
      if (!e.getValue().isBefore(horizon) && ends.contains(e.getKey())) {
        considered.add(e);
      }
    }
    if (considered.isEmpty()) {
      return merges;
    }
    Long before = ends.lower(considered.get(0).getKey());
    long firstStart = before == null ? chainStart : before + 1;
    for (int level = 1; level <= levels.count(); level++) {
      long start = firstStart;
      int i = 0;
      while (i < considered.size()) {
        long bucket = levels.bucket(level, considered.get(i).getValue());
        int j = i;
        while (j + 1 < considered.size()
            && levels.bucket(level, considered.get(j + 1).getValue()) == bucket) {
          j++;
        }
        long end = considered.get(j).getKey();
        boolean complete = j + 1 < considered.size()
            || !now.isBefore(levels.bucketEnd(level, bucket).plus(levels.span(1)));
        if (!complete) {
          break;
        }
        if (stored.add(new Range(start, end))) {
          merges.add(new Merge(level, start, end));
        }
        start = end + 1;
        i = j + 1;
      }
    }
    return merges;
  }

  private record Range(long first, long last) {}
}
