package dev.bulwark.core.stream;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Segments a {@link ReplayPlanner} loaded and checked, kept for the {@link PageReplay} that
 * follows so that it need not load, authenticate and decode them a second time; up to a
 * budget of page bytes, past which segments are loaded again when applied, as without it.
 * Thread-safe.
 */
public final class LoadedSegments {
  /** What a restore keeps by default: a few seconds of a busy stream, a fraction of the heap. */
  public static final long DEFAULT_BUDGET = 64L << 20;

  private final long budget;
  private final Map<SegmentRef, Segment> kept = new HashMap<>();
  private long held;

  /** Keeps segments of at most {@code budgetBytes} page bytes in all. */
  public LoadedSegments(long budgetBytes) {
    this.budget = budgetBytes;
  }

  /** Keeps {@code s}, loaded from {@code ref}, if the budget has room for it. */
  synchronized void offer(SegmentRef ref, Segment s) {
    long bytes = (long) s.pages().size() * s.pageSize();
    if (held + bytes <= budget && !kept.containsKey(ref)) {
      kept.put(ref, s);
      held += bytes;
    }
  }

  /** The segment loaded from {@code ref}, if kept; it is then no longer kept. */
  synchronized Optional<Segment> take(SegmentRef ref) {
    Segment s = kept.remove(ref);
    if (s != null) {
      held -= (long) s.pages().size() * s.pageSize();
    }
    return Optional.ofNullable(s);
  }
}
