package dev.bulwark.core.copy;

import dev.bulwark.core.repo.Snapshot;

/**
 * What became of one source snapshot.
 *
 * @param source the snapshot in the source repository
 * @param target the snapshot in the target repository: the one saved by this copy, or the copy
 *     found there already
 * @param outcome whether this copy saved {@code target} or found it
 * @param newBlobs blobs this snapshot added to the target (0 when found)
 * @param bytesAdded bytes this snapshot added to the target: packs and index files (0 when
 *     found)
 */
public record SnapshotCopy(Snapshot source, Snapshot target, Outcome outcome, long newBlobs,
    long bytesAdded) {
  /** Whether a snapshot was copied or already there. */
  public enum Outcome {
    /** Saved in the target by this copy. */
    COPIED,
    /** Skipped: the target already holds a copy of it (same original, tree, paths, time). */
    ALREADY_PRESENT
  }
}
