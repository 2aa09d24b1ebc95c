package dev.bulwark.core.retention;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What puts two snapshots in the same group, as restic's {@code --group-by}: any of host,
 * paths and tags; none puts every snapshot in one group.
 *
 * @param fields the fields to group by; empty for one group
 */
public record GroupBy(Set<GroupBy.Field> fields) {
  /** A snapshot field to group by. */
  public enum Field {
    /** The host name the snapshot was taken on. */
    HOST,
    /** The paths backed up, as a set. */
    PATHS,
    /** The snapshot's tags, as a set. */
    TAGS
  }

  /** restic's default: {@code host,paths}. */
  public static final GroupBy HOST_AND_PATHS = new GroupBy(EnumSet.of(Field.HOST, Field.PATHS));

  /**
   * Copies the fields.
   *
   * @param fields the fields to group by; empty for one group
   */
  public GroupBy {
    fields = fields.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(fields));
  }

  /**
   * Parses restic's form: a comma-separated list of {@code host}, {@code paths}, {@code tags};
   * the empty string means one group.
   *
   * @param text e.g. {@code host,paths}, or empty
   * @return the grouping
   * @throws IllegalArgumentException naming an unknown option
   */
  public static GroupBy parse(String text) {
    EnumSet<Field> out = EnumSet.noneOf(Field.class);
    for (String part : text.split(",", -1)) {
      String p = part.strip();
      switch (p.toLowerCase(Locale.ROOT)) {
        case "" -> { }
        case "host" -> out.add(Field.HOST);
        case "paths" -> out.add(Field.PATHS);
        case "tags" -> out.add(Field.TAGS);
        default -> throw new IllegalArgumentException("unknown grouping option '" + p
            + "' (use host, paths and/or tags, or '' for one group)");
      }
    }
    return new GroupBy(out);
  }

  /**
   * True when snapshots are grouped by {@code f}.
   *
   * @param f a field
   * @return true if {@code f} is one of the fields
   */
  public boolean has(Field f) {
    return fields.contains(f);
  }
}
