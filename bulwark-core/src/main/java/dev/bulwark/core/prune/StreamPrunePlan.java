package dev.bulwark.core.prune;

import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.stream.SegmentRef;
import dev.bulwark.core.stream.SegmentStore;
import java.io.IOException;
import java.io.InterruptedIOException;
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

  /**
   * Deletes the segments to remove from {@code repo}, in their order, which keeps every point
   * still ending a stored segment restorable at each instant (see {@link StreamPlanner}).
   */
  void remove(Repository repo) throws IOException {
    SegmentStore store = new SegmentStore(repo);
    for (SegmentRef ref : remove) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("interrupted while removing stream segments");
      }
      store.delete(ref);
    }
  }

  /** Stored bytes of the segments to delete. */
  long bytesRemoved() {
    return remove.stream().mapToLong(SegmentRef::size).sum();
  }
}
