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
 * @param kind the database kind, e.g. {@code sqlite} or {@code rocksdb}
 * @param path absolute path of the database file or folder when it was backed up
 * @param properties further facts, in the order the source gave them
 */
public record DatabaseTags(String kind, String path, Map<String, String> properties) {
  /** Prefix of every tag Bulwark writes. */
  public static final String PREFIX = "bulwark:";
  private static final String KIND = PREFIX + "kind=";
  private static final String DB = PREFIX + "db=";

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

  /** The tags to add to a snapshot. */
  public List<String> toTags() {
    List<String> tags = new ArrayList<>();
    tags.add(KIND + kind);
    tags.add(DB + path);
    properties.forEach((k, v) -> tags.add(PREFIX + k + "=" + v));
    return tags;
  }

  /** The database a snapshot's tags describe, if they describe one. */
  public static Optional<DatabaseTags> fromTags(List<String> tags) {
    String kind = null;
    String path = null;
    Map<String, String> props = new LinkedHashMap<>();
    for (String t : tags) {
      if (t.startsWith(KIND)) {
        kind = t.substring(KIND.length());
      } else if (t.startsWith(DB)) {
        path = t.substring(DB.length());
      } else if (t.startsWith(PREFIX) && t.indexOf('=') > PREFIX.length()) {
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

  /** True if a snapshot with these tags is a snapshot of the database at {@code dbPath}. */
  public static boolean describes(List<String> tags, String dbPath) {
    return fromTags(tags).map(d -> d.path().equals(dbPath)).orElse(false);
  }
}
