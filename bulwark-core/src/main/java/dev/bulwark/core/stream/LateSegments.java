package dev.bulwark.core.stream;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the <em>late</em> segments of one generation: those written under a lease epoch older
 * than that of a segment or snapshot at or before their positions. Epochs grow with every
 * takeover of a stream's lease ({@link StreamLease}), so such a segment was written by a holder
 * that had lost the lease (paused, then woke up) and may hold a history the new holder does
 * not share; restores and compaction leave it out and {@code bulwark check} reports it.
 *
 * <p>Precisely: a segment {@code first..last} of epoch {@code e} is late if a segment of an
 * epoch above {@code e} starts at or before {@code last}, or a snapshot of an epoch above
 * {@code e} holds position {@code last} or a later one (its {@code txid + 1} is at or before
 * {@code last}). Segments of the old holder that end before the new holder's first position
 * are its legitimate history and stay. Segments written without a lease (epoch 0, including
 * every segment of format version 1) are late only once a leased one supersedes them.
 */
public final class LateSegments {
  private LateSegments() {}

  /**
   * The late segments among {@code refs}, in their order.
   *
   * @param refs the segments of one generation
   * @param snapshots the stream tags of that generation's snapshots (may be empty)
   */
  public static Set<SegmentRef> find(List<SegmentRef> refs, List<StreamTags> snapshots) {
    List<long[]> starts = new ArrayList<>(); // {position, epoch}
    for (SegmentRef r : refs) {
      starts.add(new long[] {r.firstTxid(), r.epoch()});
    }
    for (StreamTags t : snapshots) {
      starts.add(new long[] {t.txid() + 1, t.epoch()});
    }
    starts.sort(Comparator.comparingLong((long[] s) -> s[0]));
    long[] positions = new long[starts.size()];
    long[] maxEpoch = new long[starts.size()];
    long max = 0;
    for (int i = 0; i < starts.size(); i++) {
      positions[i] = starts.get(i)[0];
      max = Math.max(max, starts.get(i)[1]);
      maxEpoch[i] = max;
    }
    Set<SegmentRef> late = new LinkedHashSet<>();
    for (SegmentRef r : refs) {
      int i = lastAtOrBefore(positions, r.lastTxid());
      if (i >= 0 && maxEpoch[i] > r.epoch()) {
        late.add(r);
      }
    }
    return late;
  }

  /** True if {@code snapshot} holds positions that a later epoch wrote first. */
  public static boolean isLate(StreamTags snapshot, List<SegmentRef> refs,
      List<StreamTags> snapshots) {
    for (SegmentRef r : refs) {
      if (r.epoch() > snapshot.epoch() && r.firstTxid() <= snapshot.txid()) {
        return true;
      }
    }
    for (StreamTags t : snapshots) {
      if (t.epoch() > snapshot.epoch() && t.txid() + 1 <= snapshot.txid()) {
        return true;
      }
    }
    return false;
  }

  /** The index of the last position at or before {@code p}, or -1. */
  private static int lastAtOrBefore(long[] positions, long p) {
    int i = Arrays.binarySearch(positions, p);
    if (i < 0) {
      return -i - 2;
    }
    while (i + 1 < positions.length && positions[i + 1] == p) {
      i++;
    }
    return i;
  }
}
