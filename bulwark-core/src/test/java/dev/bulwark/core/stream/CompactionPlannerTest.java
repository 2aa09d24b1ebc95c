package dev.bulwark.core.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The level choice bounds the objects a restore reads: a long synthetic stream of one-second
 * segments, compacted as a replicator would (every 10 s), then the restore planner's rule (from
 * each position the longest segment not past the target) counted for every point.
 */
class CompactionPlannerTest {
  private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
  private static final int HOURS = 3;
  private static final Map<CompactionLevels, Stream> BUILT = new HashMap<>();

  @Test
  void defaultLevelsReachEveryPointOfThreeHoursInAtMost28ObjectsPlusOneAnHour() {
    Stream s = compacted(CompactionLevels.DEFAULT, 1);
    int worst = 0;
    long sum = 0;
    for (long t = 1; t <= s.last; t++) {
      int n = s.objects(0, t);
      long hours = (t - 1) / 3600;
      assertThat(n).as("objects to %d", t).isLessThanOrEqualTo(28 + (int) hours);
      worst = Math.max(worst, n);
      sum += n;
    }
    System.out.printf("default levels: worst %d objects, mean %.1f%n", worst,
        (double) sum / s.last);
    assertThat(worst).isGreaterThan(20);
    // Half the worst case on average: about a dozen.
    assertThat((double) sum / s.last).isLessThan(16);
    // Without compaction the last point needs every segment.
    assertThat(s.last).isEqualTo(HOURS * 3600);
  }

  @Test
  void aSnapshotOffABoundaryAtMostDoublesTheLevelPart() {
    Stream s = compacted(CompactionLevels.DEFAULT, 1);
    SplittableRandom rnd = new SplittableRandom(11);
    for (int i = 0; i < 2000; i++) {
      long from = rnd.nextLong(s.last);
      long to = from + 1 + rnd.nextLong(s.last - from);
      long hours = (to - from) / 3600 + 1;
      assertThat(s.objects(from, to)).as("objects from %d to %d", from, to)
          .isLessThanOrEqualTo(2 * 28 + (int) hours);
    }
  }

  @Test
  void fewerObjectsThanLitestreamsLevels() {
    CompactionLevels litestream = new CompactionLevels(List.of(Duration.ofSeconds(30),
        Duration.ofMinutes(5), Duration.ofHours(1)));
    Stream ours = compacted(CompactionLevels.DEFAULT, 1);
    Stream theirs = compacted(litestream, 1);
    System.out.printf("worst objects: ours %d, Litestream's levels %d%n", ours.worst(),
        theirs.worst());
    assertThat(ours.worst()).isLessThan(theirs.worst());
    // Theirs: up to 29 + 9 + 11 within an hour.
    assertThat(theirs.worst()).isGreaterThanOrEqualTo(49);
  }

  @Test
  void aCompactedStreamPlansNothingMore() {
    Stream s = compacted(CompactionLevels.DEFAULT, 1);
    CompactionPlanner planner = new CompactionPlanner(CompactionLevels.DEFAULT);
    assertThat(planner.plan(s.refs, s.times, s.end.plus(Duration.ofHours(3)))).isEmpty();
  }

  /**
   * One segment (one position) a second for {@link #HOURS} hours from {@link #T0}, compacted
   * minute of its own time and once more two hours after the last commit. Built once per
   * level choice.
   */
  private static synchronized Stream compacted(CompactionLevels levels, int seconds) {
    return BUILT.computeIfAbsent(levels, l -> build(l, seconds));
  }

  private static Stream build(CompactionLevels levels, int seconds) {
    CompactionPlanner planner = new CompactionPlanner(levels);
    Stream s = new Stream();
    for (long i = 1; i <= HOURS * 3600L / seconds; i++) {
      Instant t = T0.plusSeconds((i - 1) * seconds);
      s.add(i, i);
      s.times.put(i, t);
      s.last = i;
      s.end = t;
      if (i % 60 == 0) {
        s.apply(planner.plan(s.refs, s.times, t.plusMillis(500)));
      }
    }
    s.apply(planner.plan(s.refs, s.times, s.end.plus(Duration.ofHours(2))));
    return s;
  }

  private static final class Stream {
    final List<SegmentRef> refs = new ArrayList<>();
    final TreeMap<Long, Instant> times = new TreeMap<>();
    final Map<Long, TreeSet<Long>> byFirst = new HashMap<>();
    long last;
    Instant end = T0;

    void add(long first, long lastTxid) {
      refs.add(new SegmentRef("app", 1, first, lastTxid, 0));
      byFirst.computeIfAbsent(first, k -> new TreeSet<>()).add(lastTxid);
    }

    void apply(List<CompactionPlanner.Merge> merges) {
      for (CompactionPlanner.Merge m : merges) {
        assertThat(byFirst.containsKey(m.firstTxid())).as("merge %s starts at a segment", m)
            .isTrue();
        add(m.firstTxid(), m.lastTxid());
      }
    }

    /** Objects the restore planner's rule reads from a snapshot at {@code from} to {@code to}. */
    int objects(long from, long to) {
      int n = 0;
      long p = from;
      while (p < to) {
        TreeSet<Long> ends = byFirst.get(p + 1);
        Long next = ends == null ? null : ends.floor(to);
        if (next == null) {
          throw new AssertionError("gap at " + (p + 1) + " on the way to " + to);
        }
        p = next;
        n++;
      }
      return n;
    }

    int worst() {
      int w = 0;
      for (long t = 1; t <= last; t++) {
        w = Math.max(w, objects(0, t));
      }
      return w;
    }
  }
}
