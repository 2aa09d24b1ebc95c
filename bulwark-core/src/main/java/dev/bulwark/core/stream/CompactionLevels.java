package dev.bulwark.core.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The time spans of the compaction levels above level 0 (the segments a replicator ships,
 * about one per sync interval). A level-k segment merges every segment whose last commit falls
 * in one span-k bucket of the clock (buckets start at the epoch, so the buckets of one level
 * nest inside those of the next). Immutable.
 *
 * <p><b>The default: 10 s, 1 min, 10 min, 1 h.</b> A restore replays from a snapshot, taking at
 * each step the longest segment that does not pass its target. From a snapshot at an hour
 * boundary it reads one level-4 segment per whole hour, then at most 5 level-3 (10 min), 9
 * level-2 (1 min), 5 level-1 (10 s) and 9 level-0 segments: at most 28 objects plus one an
 * hour, 15 on average over three hours of one-second segments; from a snapshot off those
 * boundaries, at most twice the level part. Litestream's 30 s / 5 min / 1 h reads up to 49
 * plus one an hour (29 level-0 files on the last step alone). The price of a level is one more
 * copy of the pages that changed in its bucket, kept for the retention window; pages that
 * change often collapse into one version per bucket.
 *
 * @param spans the span of each level from level 1 up, ascending, each a whole multiple of
 *     the one below and of a whole second
 */
public record CompactionLevels(List<Duration> spans) {
  /** Litestream-like levels with fewer level-0 reads: 10 s, 1 min, 10 min, 1 h. */
  public static final CompactionLevels DEFAULT = new CompactionLevels(List.of(
      Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMinutes(10),
      Duration.ofHours(1)));

  public CompactionLevels {
    spans = List.copyOf(spans);
    if (spans.isEmpty()) {
      throw new IllegalArgumentException("at least one compaction level is needed");
    }
    long below = 1;
    for (Duration d : spans) {
      if (d.isNegative() || d.isZero() || d.toNanos() % 1_000_000_000L != 0
          || d.getSeconds() % below != 0 || d.getSeconds() == below) {
        throw new IllegalArgumentException("compaction spans must be ascending whole seconds,"
            + " each a multiple of the one below: " + spans);
      }
      below = d.getSeconds();
    }
  }

  /** The number of levels above level 0. */
  public int count() {
    return spans.size();
  }

  /** The span of level {@code level} (1-based). */
  public Duration span(int level) {
    return spans.get(level - 1);
  }

  /** The span of the top level. */
  public Duration top() {
    return spans.get(spans.size() - 1);
  }

  /** The number of the level-{@code level} bucket {@code t} falls in. */
  long bucket(int level, Instant t) {
    return Math.floorDiv(t.getEpochSecond(), span(level).getSeconds());
  }

  /** Where the level-{@code level} bucket {@code bucket} ends (exclusive). */
  Instant bucketEnd(int level, long bucket) {
    return Instant.ofEpochSecond((bucket + 1) * span(level).getSeconds());
  }

  /**
   * The oldest commit time compaction still looks at when the newest commit is {@code newest}:
   * the start of the top-level bucket before the newest one, so a bucket that was still open
   * when a replicator stopped is finished by the next run.
   */
  Instant horizon(Instant newest) {
    long top = top().getSeconds();
    return Instant.ofEpochSecond((Math.floorDiv(newest.getEpochSecond(), top) - 1) * top);
  }
}
