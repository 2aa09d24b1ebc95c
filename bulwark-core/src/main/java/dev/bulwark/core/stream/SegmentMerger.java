package dev.bulwark.core.stream;

import dev.bulwark.core.CorruptionException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Merges a run of consecutive segments of one generation into one segment that, replayed onto
 * the state before the first, gives exactly the state after the last: the last version of every
 * page wins, and a page cut off by a shrink inside the run is dropped.
 *
 * <p>A shrink inside the run needs care: replaying the parts truncates the file and a later
 * growth extends it with zeros, while replaying the merged segment never truncates in between.
 * So every page between the smallest size the run passed through and its final size that no
 * later part wrote is carried as a page of zeros, which is what replaying the parts leaves
 * there. Not thread-safe; one merge per instance.
 */
final class SegmentMerger {
  private final Segment first;
  private final TreeMap<Long, byte[]> pages = new TreeMap<>();
  private Segment last;
  private long lowestCount;
  private int inputs;

  /** A merge starting with {@code first}. */
  SegmentMerger(Segment first) {
    this.first = first;
    this.last = first;
    this.lowestCount = first.pageCount();
    put(first);
    inputs = 1;
  }

  /** How many segments were merged so far. */
  int inputs() {
    return inputs;
  }

  /** True if adding {@code next} keeps the merged segment within {@link Segment#MAX_PAGE_BYTES}. */
  boolean fits(Segment next) {
    long count = next.pageCount();
    long kept = pages.headMap(count, true).size();
    for (Page p : next.pages()) {
      if (!pages.containsKey(p.number())) {
        kept++;
      }
    }
    long low = Math.min(lowestCount, count);
    long max = Segment.MAX_PAGE_BYTES / next.pageSize();
    long zeros = 0;
    for (long n = low + 1; n <= count && kept + zeros <= max; n++) {
      if (!pages.containsKey(n) && !contains(next, n)) {
        zeros++;
      }
    }
    return kept + zeros <= max;
  }

  /** The epoch of the segments merged. */
  long epoch() {
    return first.epoch();
  }

  /**
   * Adds the segment that follows the last one added.
   *
   * @throws CorruptionException if it does not continue the run: another generation or page
   *     size, a position that does not follow, or a {@code before} that is not the previous
   *     {@code after}
   */
  void add(Segment next) throws CorruptionException {
    String where = "segment " + next.fileName() + " of generation "
        + SegmentName.generation(next.generation());
    if (next.generation() != first.generation()) {
      throw new CorruptionException(where + " is not of generation "
          + SegmentName.generation(first.generation()));
    }
    if (next.firstTxid() != last.lastTxid() + 1) {
      throw new CorruptionException(where + " does not follow " + last.fileName());
    }
    if (!next.before().equals(last.after())) {
      throw new CorruptionException(where + " starts from state " + next.before()
          + " but " + last.fileName() + " ends at " + last.after());
    }
    if (next.epoch() != first.epoch()) {
      throw new CorruptionException(where + " was written under epoch " + next.epoch() + ", not "
          + first.epoch() + " (segments of different epochs are not merged)");
    }
    if (next.pageSize() != first.pageSize()) {
      throw new CorruptionException(where + " has page size " + next.pageSize() + ", not "
          + first.pageSize());
    }
    pages.tailMap(next.pageCount(), false).clear();
    put(next);
    lowestCount = Math.min(lowestCount, next.pageCount());
    last = next;
    inputs++;
  }

  /**
   * The merged segment.
   *
   * @throws IllegalArgumentException if it exceeds the size limit (check {@link #fits} first)
   */
  Segment result() {
    byte[] zero = new byte[first.pageSize()];
    List<Page> out = new ArrayList<>();
    long count = last.pageCount();
    long next = lowestCount + 1;
    for (Map.Entry<Long, byte[]> e : pages.entrySet()) {
      for (; next < e.getKey(); next++) {
        out.add(new Page(next, zero));
      }
      out.add(new Page(e.getKey(), e.getValue()));
      next = Math.max(next, e.getKey() + 1);
    }
    for (; next <= count; next++) {
      out.add(new Page(next, zero));
    }
    Instant lastCommit = last.lastCommit().isBefore(first.firstCommit()) ? first.firstCommit()
        : last.lastCommit();
    return new Segment(first.generation(), first.firstTxid(), last.lastTxid(),
        first.pageSize(), count, first.before(), last.after(), first.firstCommit(), lastCommit,
        out, first.epoch());
  }

  private void put(Segment s) {
    for (Page p : s.pages()) {
      pages.put(p.number(), p.bytes());
    }
  }

  private static boolean contains(Segment s, long number) {
    List<Page> ps = s.pages();
    int lo = 0;
    int hi = ps.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long n = ps.get(mid).number();
      if (n == number) {
        return true;
      } else if (n < number) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return false;
  }
}
