package dev.bulwark.core.backup;

import dev.bulwark.core.repo.DatabaseTags;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The tags of a new snapshot, from the caller's tags and those of each opened view.
 *
 * <p>A snapshot of one database (and no group name) keeps that database's tags as they are
 * ({@code bulwark:kind=}, {@code bulwark:db=}...), exactly as before groups existed. With
 * several databases, or a group name, each database becomes a numbered member ({@code
 * bulwark:1.kind=}, {@code bulwark:2.kind=}...) in the order of its source, and the name is
 * recorded by {@code bulwark:group=}: two databases must never leave two {@code bulwark:kind=}
 * tags, which would describe neither. The renumbering lives here, where every view's tags are
 * seen, so the database sources stay unaware of one another.
 */
final class SnapshotTags {
  private SnapshotTags() {}

  /**
   * The snapshot's tags.
   *
   * @param own the tags the caller asked for, first and in order
   * @param perView the tags of each opened view, in source order
   * @param group the group's name, or null for no group
   * @throws IllegalArgumentException if {@code group} is not a valid name
   */
  static List<String> of(List<String> own, List<List<String>> perView, @Nullable String group) {
    List<String> tags = new ArrayList<>(own);
    long databases = perView.stream().filter(t -> DatabaseTags.fromTags(t).isPresent()).count();
    boolean members = group != null || databases > 1;
    if (group != null) {
      addOnce(tags, DatabaseTags.groupTag(group));
    }
    int position = 0;
    for (List<String> viewTags : perView) {
      Optional<DatabaseTags> db = DatabaseTags.fromTags(viewTags);
      if (members && db.isPresent()) {
        position++;
        db.get().toMemberTags(position).forEach(t -> addOnce(tags, t));
        // A view's tags outside Bulwark's own (none today) still reach the snapshot.
        viewTags.stream().filter(t -> !t.startsWith(DatabaseTags.PREFIX))
            .forEach(t -> addOnce(tags, t));
      } else {
        viewTags.forEach(t -> addOnce(tags, t));
      }
    }
    return tags;
  }

  private static void addOnce(List<String> tags, String t) {
    if (!tags.contains(t)) {
      tags.add(t);
    }
  }
}
