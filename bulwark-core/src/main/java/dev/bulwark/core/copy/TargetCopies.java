package dev.bulwark.core.copy;

import dev.bulwark.core.Id;
import dev.bulwark.core.repo.Snapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The target repository's snapshots by the id of the snapshot they are copies of, to find a
 * source snapshot's copy as restic's {@code copy} does: a target snapshot is one if its
 * {@code original} (or its own id) is the source's original id, and time, tree, host, user,
 * paths, excludes and tags agree. Not thread-safe.
 */
final class TargetCopies {
  private final Map<Id, List<Snapshot>> byOriginal = new HashMap<>();

  TargetCopies(List<Snapshot> targetSnapshots) {
    targetSnapshots.forEach(this::add);
  }

  /** Records {@code s}, a snapshot of the target (saved, so with an id). */
  void add(Snapshot s) {
    if (s.original() != null) {
      byOriginal.computeIfAbsent(s.original(), k -> new ArrayList<>()).add(s);
    }
    // A snapshot copied back from where it was copied to is its own original.
    byOriginal.computeIfAbsent(s.id(), k -> new ArrayList<>()).add(s);
  }

  /** The target's copy of the source snapshot {@code s}, if it has one. */
  Optional<Snapshot> copyOf(Snapshot s) {
    Id original = originalOf(s);
    for (Snapshot t : byOriginal.getOrDefault(original, List.of())) {
      if (similar(t, s)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** The id a copy of {@code s} records as its original: its own original, else its id. */
  static Id originalOf(Snapshot s) {
    return s.original() != null ? s.original() : s.id();
  }

  /** Everything but parent and original agree (restic's {@code similarSnapshots}). */
  private static boolean similar(Snapshot a, Snapshot b) {
    return a.time().equals(b.time()) && a.tree().equals(b.tree())
        && a.hostname().equals(b.hostname()) && a.username().equals(b.username())
        && a.uid() == b.uid() && a.gid() == b.gid()
        && new HashSet<>(a.paths()).equals(new HashSet<>(b.paths()))
        && a.paths().size() == b.paths().size()
        && a.excludes().equals(b.excludes())
        && new HashSet<>(a.tags()).equals(new HashSet<>(b.tags()))
        && a.tags().size() == b.tags().size();
  }
}
