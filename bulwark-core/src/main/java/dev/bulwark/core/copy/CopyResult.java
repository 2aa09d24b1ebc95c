package dev.bulwark.core.copy;

import java.util.List;

/**
 * What a copy did.
 *
 * @param snapshots one entry per source snapshot asked for, in the order asked
 * @param newBlobs blobs added to the target
 * @param bytesAdded bytes written to the target (packs and index files)
 * @param seconds wall time of the copy
 */
public record CopyResult(List<SnapshotCopy> snapshots, long newBlobs, long bytesAdded,
    double seconds) {
  public CopyResult {
    snapshots = List.copyOf(snapshots);
  }

  /** How many snapshots this copy saved in the target. */
  public long copied() {
    return snapshots.stream()
        .filter(s -> s.outcome() == SnapshotCopy.Outcome.COPIED).count();
  }

  /** How many snapshots the target held already. */
  public long alreadyPresent() {
    return snapshots.size() - copied();
  }
}
