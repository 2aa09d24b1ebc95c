package dev.bulwark.core.retention;

import dev.bulwark.core.repo.Snapshot;
import java.util.Comparator;
import java.util.List;

/**
 * The values a group's snapshots share: host, sorted paths and sorted tags, each empty when the
 * grouping does not use it (restic's group key).
 *
 * @param host the host name, or empty
 * @param paths the sorted paths, or empty
 * @param tags the sorted tags, or empty
 */
public record GroupKey(String host, List<String> paths, List<String> tags)
    implements Comparable<GroupKey> {
  private static final Comparator<List<String>> LISTS =
      (a, b) -> String.join("\0", a).compareTo(String.join("\0", b));
  private static final Comparator<GroupKey> ORDER = Comparator.comparing(GroupKey::host)
      .thenComparing(GroupKey::paths, LISTS).thenComparing(GroupKey::tags, LISTS);

  /**
   * Turns a missing host, paths or tags into empty ones, so keys compare field by field.
   *
   * @param host the host name, or empty
   * @param paths the sorted paths, or empty
   * @param tags the sorted tags, or empty
   */
  public GroupKey {
    host = host == null ? "" : host;
    paths = paths == null ? List.of() : List.copyOf(paths);
    tags = tags == null ? List.of() : List.copyOf(tags);
  }

  /**
   * The key of {@code s} under {@code by}.
   *
   * @param s the snapshot
   * @param by the fields to group by
   * @return the key; fields not grouped by are empty
   */
  public static GroupKey of(Snapshot s, GroupBy by) {
    return new GroupKey(by.has(GroupBy.Field.HOST) ? s.hostname() : "",
        by.has(GroupBy.Field.PATHS) ? s.paths().stream().sorted().toList() : List.of(),
        by.has(GroupBy.Field.TAGS) ? s.tags().stream().sorted().toList() : List.of());
  }

  @Override
  public int compareTo(GroupKey o) {
    return ORDER.compare(this, o);
  }
}
