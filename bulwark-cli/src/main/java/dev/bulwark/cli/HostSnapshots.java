package dev.bulwark.cli;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.SnapshotNotFoundException;
import dev.bulwark.core.SnapshotRef;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Resolves a SNAPSHOT argument under a {@code --host} filter, as restic's {@code latest
 * --host NAME} does: {@code latest} is the newest snapshot written by that host; an id or
 * prefix is taken as it is.
 */
final class HostSnapshots {
  private HostSnapshots() {}

  /**
   * {@code ref} resolved among all snapshots, or with {@code host} those written by that host;
   * an id names its snapshot whatever the host.
   */
  static Snapshot find(Repository r, SnapshotRef ref, @Nullable String host)
      throws IOException, BulwarkException {
    if (ref instanceof SnapshotRef.IdPrefix id) {
      return r.loadSnapshot(r.findSnapshotId(id.prefix()));
    }
    Instant notAfter = ref instanceof SnapshotRef.At at ? at.time() : Instant.MAX;
    List<Snapshot> all = r.snapshots();
    List<Snapshot> candidates = all.stream()
        .filter(s -> host == null || s.hostname().equals(host))
        .filter(s -> !s.time().isAfter(notAfter)).toList();
    if (host == null) {
      // Repository order (oldest first): the last one is restic's latest.
      if (candidates.isEmpty()) {
        throw new SnapshotNotFoundException(all.isEmpty() ? "the repository has no snapshots"
            : "the repository has no snapshot at or before " + notAfter);
      }
      return candidates.get(candidates.size() - 1);
    }
    return candidates.stream().reduce((a, b) -> b.time().isAfter(a.time()) ? b : a)
        .orElseThrow(() -> new SnapshotNotFoundException("the repository has no snapshot from "
            + "host " + host + (notAfter.equals(Instant.MAX) ? "" : " at or before " + notAfter)
            + " (hosts: " + String.join(", ", all.stream().map(Snapshot::hostname)
                .distinct().sorted().toList()) + ")"));
  }
}
