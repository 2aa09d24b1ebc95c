package dev.bulwark.cli;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import java.io.IOException;
import java.util.List;

/**
 * Resolves a SNAPSHOT argument under a {@code --host} filter, as restic's {@code latest
 * --host NAME} does: {@code latest} is the newest snapshot written by that host; an id or
 * prefix is taken as it is.
 */
final class HostSnapshots {
  private HostSnapshots() {}

  /** {@code ref} resolved; with {@code host} null, exactly as {@link Repository#findSnapshot}. */
  static Snapshot find(Repository r, String ref, String host)
      throws IOException, BulwarkException {
    if (host == null || !"latest".equals(ref)) {
      return r.findSnapshot(ref);
    }
    List<Snapshot> all = r.snapshots();
    return all.stream().filter(s -> s.hostname().equals(host))
        .reduce((a, b) -> b.time().isAfter(a.time()) ? b : a)
        .orElseThrow(() -> new BulwarkException("the repository has no snapshot from host "
            + host + " (hosts: " + String.join(", ", all.stream().map(Snapshot::hostname)
                .distinct().sorted().toList()) + ")"));
  }
}
