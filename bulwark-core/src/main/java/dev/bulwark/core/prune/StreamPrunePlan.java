package dev.bulwark.core.prune;

import dev.bulwark.core.stream.SegmentRef;
import java.util.List;

/**
 * What a prune removes from the streams, in the order it removes them (see {@link
 * StreamPlanner}), and what it keeps.
 *
 * @param remove the segments to delete, in their kill-safe order
 * @param generationsRemoved generations every segment of which goes
 * @param segmentsKept segments that stay
 * @param bytesKept their stored bytes
 * @param warnings streams left untouched because they could not be judged, one line each
 */
record StreamPrunePlan(List<SegmentRef> remove, long generationsRemoved, long segmentsKept,
    long bytesKept, List<String> warnings) {
  StreamPrunePlan {
    remove = List.copyOf(remove);
    warnings = List.copyOf(warnings);
  }

  /** Stored bytes of the segments to delete. */
  long bytesRemoved() {
    return remove.stream().mapToLong(SegmentRef::size).sum();
  }
}
