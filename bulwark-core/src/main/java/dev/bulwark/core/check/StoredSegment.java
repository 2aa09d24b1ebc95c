package dev.bulwark.core.check;

import dev.bulwark.core.stream.PageSetChecksum;
import dev.bulwark.core.stream.SegmentRef;
import org.jspecify.annotations.Nullable;

/**
 * What a check keeps of one segment file once it has read it: where it is and the states it
 * chains, but none of its pages, so that a generation of any length needs little memory.
 *
 * @param before the state before its first position, or null if the file could not be read
 * @param after the state after its last position, or null if the file could not be read
 * @param pageSize its page size, or 0 if the file could not be read
 */
record StoredSegment(SegmentRef ref, @Nullable PageSetChecksum before,
    @Nullable PageSetChecksum after, int pageSize) {
  long first() {
    return ref.firstTxid();
  }

  long last() {
    return ref.lastTxid();
  }

  /** True if the file was read and authenticated, so its states are known. */
  boolean isReadable() {
    return before != null && after != null;
  }

  /** Its file name, as messages about a neighbour name it. */
  String name() {
    return ref.toString().substring(ref.toString().lastIndexOf('/') + 1);
  }
}
