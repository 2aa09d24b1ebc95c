package dev.bulwark.core.repo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a snapshot is a snapshot of, kept in the snapshot's tags because restic drops fields it
 * does not know when it rewrites a snapshot: {@code bulwark:kind=sqlite},
 * {@code bulwark:db=/srv/app/app.db}, then one {@code bulwark:<property>=<value>} per property
 * (page size, change counter, sequence number, schema version...).
 *
 * <p>A <em>group snapshot</em> holds several databases taken at one moment (a service's SQLite
 * database, its RocksDB database and its key files). Each member's tags then carry its
 * position, from 1: {@code bulwark:1.kind=sqlite}, {@code bulwark:1.db=/srv/app/app.db},
 * {@code bulwark:1.page-size=4096}, {@code bulwark:2.kind=rocksdb}..., and the group may be
 * named by {@code bulwark:group=<name>}. {@link #fromTags} sees no single database in such a
 * snapshot (so code that handles one database, such as the stream's, leaves it alone, as
 * earlier versions do); {@link #members} lists them all.
 *
 * @param kind the database kind, e.g. {@code sqlite} or {@code rocksdb}
 * @param path absolute path of the database file or folder when it was backed up
 * @param properties further facts, in the order the source gave them
 */
public record DatabaseTags(String kind, String path, Map<String, String> properties) {
  /** Prefix of every tag Bulwark writes. */
  public static final String PREFIX = "bulwark:";
  private static final String KIND = PREFIX + "kind=";
  private static final String DB = PREFIX + "db=";
  private static final String GROUP = PREFIX + "group=";
  private static final java.util.regex.Pattern MEMBER =
      java.util.regex.Pattern.compile("bulwark:([1-9][0-9]{0,3})\\.([a-z0-9-]+)=(.*)",
          java.util.regex.Pattern.DOTALL);

  /**
   * Checks the kind, the path and the property names, and copies the properties in order.
   *
   * @param kind the database kind, e.g. {@code sqlite} or {@code rocksdb}
   * @param path absolute path of the database file or folder when it was backed up
   * @param properties further facts, in the order the source gave them
   * @throws IllegalArgumentException naming the invalid kind, path or property
   */
  public DatabaseTags {
    if (kind == null || !kind.matches("[a-z0-9-]+")) {
      throw new IllegalArgumentException("invalid database kind: " + kind);
    }
    if (path == null || !path.startsWith("/")) {
      throw new IllegalArgumentException("database path must be absolute: " + path);
    }
    for (String k : properties.keySet()) {
      if (!k.matches("[a-z0-9-]+") || k.equals("kind") || k.equals("db")) {
        throw new IllegalArgumentException("invalid property name: " + k);
      }
    }
    properties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties));
  }

  /**
   * The tags to add to a snapshot.
   *
   * @return {@code bulwark:kind=...}, {@code bulwark:db=...}, then one tag per property
   */
  public List<String> toTags() {
    List<String> tags = new ArrayList<>();
    tags.add(KIND + kind);
    tags.add(DB + path);
    properties.forEach((k, v) -> tags.add(PREFIX + k + "=" + v));
    return tags;
  }

  /**
   * The tags of this database as member {@code position} (from 1) of a group snapshot: {@code
   * bulwark:<position>.kind=...}, {@code bulwark:<position>.db=...}, then its properties.
   *
   * @param position the member's place in the group, from 1
   * @return the member's tags
   */
  public List<String> toMemberTags(int position) {
    if (position < 1 || position > 9999) {
      throw new IllegalArgumentException("member position must be 1-9999: " + position);
    }
    List<String> tags = new ArrayList<>();
    String p = PREFIX + position + ".";
    tags.add(p + "kind=" + kind);
    tags.add(p + "db=" + path);
    properties.forEach((k, v) -> tags.add(p + k + "=" + v));
    return tags;
  }

  /**
   * The tag naming a group snapshot's group.
   *
   * @param name the group's name
   * @return the tag, {@code bulwark:group=<name>}
   */
  public static String groupTag(String name) {
    if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("invalid group name (letters, digits, . _ -): " + name);
    }
    return GROUP + name;
  }

  /**
   * The group a snapshot's tags name, if any.
   *
   * @param tags a snapshot's tags
   * @return the group's name, or empty for a snapshot that is not a group's
   */
  public static Optional<String> group(List<String> tags) {
    for (String t : tags) {
      if (t.startsWith(GROUP) && t.length() > GROUP.length()) {
        return Optional.of(t.substring(GROUP.length()));
      }
    }
    return Optional.empty();
  }

  /**
   * Every database a snapshot's tags describe, in member order: the one database of a
   * single-database snapshot, the members of a group snapshot, none for a snapshot of plain
   * files. A member whose tags are incomplete or invalid is left out.
   *
   * @param tags a snapshot's tags
   * @return the databases, in member order; empty if none
   */
  public static List<DatabaseTags> members(List<String> tags) {
    Optional<DatabaseTags> single = fromTags(tags);
    if (single.isPresent()) {
      return List.of(single.get());
    }
    java.util.SortedMap<Integer, Map<String, String>> byPosition = new java.util.TreeMap<>();
    for (String t : tags) {
      var m = MEMBER.matcher(t);
      if (m.matches()) {
        byPosition.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new LinkedHashMap<>())
            .putIfAbsent(m.group(2), m.group(3));
      }
    }
    List<DatabaseTags> out = new ArrayList<>();
    for (Map<String, String> fields : byPosition.values()) {
      Map<String, String> props = new LinkedHashMap<>(fields);
      String kind = props.remove("kind");
      String path = props.remove("db");
      if (kind == null || path == null) {
        continue;
      }
      try {
        out.add(new DatabaseTags(kind, path, props));
      } catch (IllegalArgumentException e) {
        // A member a later version wrote differently is not one this version can restore.
      }
    }
    return List.copyOf(out);
  }

  /**
   * The member of a snapshot (single-database or group) that is the database at {@code dbPath}.
   *
   * @param tags a snapshot's tags
   * @param dbPath the database's absolute path
   * @return the member, or empty if the snapshot holds no database at that path
   */
  public static Optional<DatabaseTags> member(List<String> tags, String dbPath) {
    return members(tags).stream().filter(d -> d.path().equals(dbPath)).findFirst();
  }

  /**
   * The database a snapshot's tags describe, if they describe one.
   *
   * @param tags a snapshot's tags
   * @return the database, or empty if the tags describe none
   */
  public static Optional<DatabaseTags> fromTags(List<String> tags) {
    String kind = null;
    String path = null;
    Map<String, String> props = new LinkedHashMap<>();
    for (String t : tags) {
      if (t.startsWith(KIND)) {
        kind = t.substring(KIND.length());
      } else if (t.startsWith(DB)) {
        path = t.substring(DB.length());
      } else if (t.startsWith(PREFIX) && t.indexOf('=') > PREFIX.length()
          && !t.startsWith(GROUP)) {
        int eq = t.indexOf('=');
        props.put(t.substring(PREFIX.length(), eq), t.substring(eq + 1));
      }
    }
    if (kind == null || path == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(new DatabaseTags(kind, path, props));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * True if a snapshot with these tags is a snapshot of the database at {@code dbPath}.
   *
   * @param tags a snapshot's tags
   * @param dbPath the database's absolute path
   * @return true if the snapshot holds that database
   */
  public static boolean describes(List<String> tags, String dbPath) {
    return fromTags(tags).map(d -> d.path().equals(dbPath)).orElse(false);
  }
}
