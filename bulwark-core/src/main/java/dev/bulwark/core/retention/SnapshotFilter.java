package dev.bulwark.core.retention;

import dev.bulwark.core.repo.Snapshot;
import java.util.List;

/**
 * Which snapshots {@code forget} considers, as restic's {@code --host}, {@code --tag} and
 * {@code --path}: a snapshot passes when its host is one of {@code hosts}, it matches one of
 * the tag lists (each comma-separated, all of whose tags it must carry), and it contains every
 * one of {@code paths}. An empty list does not filter.
 */
public record SnapshotFilter(List<String> hosts, List<String> tagLists, List<String> paths) {
  /** Passes every snapshot. */
  public static final SnapshotFilter ALL = new SnapshotFilter(List.of(), List.of(), List.of());

  public SnapshotFilter {
    hosts = List.copyOf(hosts);
    tagLists = List.copyOf(tagLists);
    paths = List.copyOf(paths);
  }

  /** True when {@code s} passes. */
  public boolean matches(Snapshot s) {
    if (!hosts.isEmpty() && !hosts.contains(s.hostname())) {
      return false;
    }
    if (!tagLists.isEmpty() && tagLists.stream().map(TagList::parse).noneMatch(l -> l.matches(s))) {
      return false;
    }
    return s.paths().containsAll(paths);
  }

  /** The snapshots of {@code all} that pass, in their order. */
  public List<Snapshot> apply(List<Snapshot> all) {
    return all.stream().filter(this::matches).toList();
  }
}
