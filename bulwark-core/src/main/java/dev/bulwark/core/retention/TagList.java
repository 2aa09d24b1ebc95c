package dev.bulwark.core.retention;

import dev.bulwark.core.repo.Snapshot;
import java.util.Arrays;
import java.util.List;

/**
 * One restic tag list: comma-separated tags, each trimmed, that a snapshot must all carry. An
 * empty tag in the list matches a snapshot without tags (restic's {@code --tag ''}).
 */
record TagList(List<String> tags) {
  TagList {
    tags = List.copyOf(tags);
  }

  /** Parses {@code "a, b"} into [a, b], as restic's flag parser does. */
  static TagList parse(String text) {
    return new TagList(Arrays.stream(text.split(",", -1)).map(String::strip).toList());
  }

  /** True when {@code s} carries every tag of this list. */
  boolean matches(Snapshot s) {
    for (String t : tags) {
      if (t.isEmpty() && s.tags().isEmpty()) {
        return true;
      }
      if (!s.tags().contains(t)) {
        return false;
      }
    }
    return true;
  }

  /** restic's form, e.g. {@code [a, b]}. */
  @Override
  public String toString() {
    return "[" + String.join(", ", tags) + "]";
  }
}
