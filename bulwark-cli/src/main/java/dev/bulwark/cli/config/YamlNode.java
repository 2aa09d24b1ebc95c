package dev.bulwark.cli.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed YAML value that remembers where it came from, so that every error can name the line
 * (or the environment variable, or the flag). Jackson's own tree forgets locations.
 */
sealed interface YamlNode {
  /** Where the value was written: for a mapping's value, the line of its key. */
  Origin origin();

  /** What a user calls this kind of value in an error: "a mapping", "a list", "a single value". */
  String description();

  /** A {@code key: value} block, keys in file order. */
  record Mapping(Map<String, YamlNode> fields, Origin origin) implements YamlNode {
    public Mapping {
      fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** This mapping with {@code key} set to {@code value}, added at the end if new. */
    Mapping with(String key, YamlNode value) {
      Map<String, YamlNode> copy = new LinkedHashMap<>(fields);
      copy.put(key, value);
      return new Mapping(copy, origin);
    }

    @Override
    public String description() {
      return "a mapping";
    }
  }

  /** A list. */
  record Sequence(List<YamlNode> items, Origin origin) implements YamlNode {
    public Sequence {
      items = List.copyOf(items);
    }

    /** This list with item {@code i} replaced. */
    Sequence with(int i, YamlNode item) {
      List<YamlNode> copy = new java.util.ArrayList<>(items);
      copy.set(i, item);
      return new Sequence(copy, origin);
    }

    @Override
    public String description() {
      return "a list";
    }
  }

  /**
   * One value as written; numbers and booleans stay text until a field says what it expects.
   *
   * @param text the value, or null for YAML's null ({@code ~}, or nothing after the colon)
   */
  record Scalar(String text, Origin origin) implements YamlNode {
    boolean isNull() {
      return text == null;
    }

    @Override
    public String description() {
      return "a single value";
    }
  }
}
