package dev.bulwark.cli.config;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Lays environment variables and flags over the file's tree, each value keeping its origin, so
 * the one validation that follows checks them all alike and names the variable or flag that
 * holds a bad value.
 */
final class Overlay {
  private Overlay() {}

  /**
   * The tree with every {@code BULWARK_*} variable of {@code env} applied (see
   * {@link ConfigSchema} for the names). An empty variable counts as unset.
   *
   * @throws ConfigException for a variable that names no value or no database: a typo
   */
  static YamlNode.Mapping environment(YamlNode.Mapping root, Map<String, String> env, Path file)
      throws ConfigException {
    Map<String, Integer> databases = databaseIndexByPrefix(root);
    // Sorted, so that with several bad variables the same one is reported every time.
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      String name = e.getKey();
      if (!name.startsWith(ConfigSchema.PREFIX) || ConfigSchema.OTHER_VARIABLES.contains(name)
          || e.getValue() == null || e.getValue().isEmpty()) {
        continue;
      }
      Origin origin = Origin.environment(name);
      String top = topValue(name);
      if (top != null) {
        root = set(root, top, node(top, e.getValue(), origin));
        continue;
      }
      if (name.startsWith(ConfigSchema.REPOSITORY_PREFIX)) {
        root = repository(root, name, e.getValue(), origin, file);
        continue;
      }
      if (!name.startsWith(ConfigSchema.DATABASE_PREFIX)) {
        throw new ConfigException(name + ": no such setting" + NearestName.hint(name,
            allVariables(databases.keySet())) + "; see docs/configuration.md");
      }
      root = database(root, databases, name, e.getValue(), origin, file);
    }
    return root;
  }

  /** The tree with each flag's value set; flags are applied after the environment. */
  static YamlNode.Mapping flags(YamlNode.Mapping root, List<FlagOverride> flags) {
    for (FlagOverride f : flags) {
      root = set(root, f.field(), new YamlNode.Scalar(f.value(), Origin.flag(f.flag())));
    }
    return root;
  }

  private static YamlNode.Mapping database(YamlNode.Mapping root, Map<String, Integer> databases,
      String name, String value, Origin origin, Path file) throws ConfigException {
    for (Map.Entry<String, Integer> d : databases.entrySet()) {
      if (!name.startsWith(d.getKey())) {
        continue;
      }
      String rest = name.substring(d.getKey().length());
      List<String> paths = new ArrayList<>(ConfigSchema.DATABASE_VALUES);
      paths.addAll(ConfigSchema.DATABASE_TARGET_VALUES);
      for (String path : paths) {
        if (ConfigSchema.variableSuffix(path).equals(rest)) {
          YamlNode.Sequence list = (YamlNode.Sequence) root.fields().get("databases");
          int i = d.getValue();
          YamlNode.Mapping db = set((YamlNode.Mapping) list.items().get(i), path,
              node(path, value, origin));
          return root.with("databases", list.with(i, db));
        }
      }
    }
    String hint = NearestName.hint(name, allVariables(databases.keySet()));
    boolean known = databases.keySet().stream().anyMatch(name::startsWith);
    throw new ConfigException(name + ": " + (known ? "no such database field" : "names no "
        + "database of " + file + " (its databases: " + (databases.isEmpty() ? "none"
        : String.join(", ", databases.values().stream().map(i -> databaseName(root, i))
            .toList())) + ")") + hint + "; see docs/configuration.md");
  }

  /** A {@code BULWARK_REPO_<NAME>_<FIELD>} variable, for a repository the file names. */
  private static YamlNode.Mapping repository(YamlNode.Mapping root, String name, String value,
      Origin origin, Path file) throws ConfigException {
    List<String> names = new ArrayList<>();
    if (root.fields().get("repositories") instanceof YamlNode.Mapping repos) {
      for (Map.Entry<String, YamlNode> r : repos.fields().entrySet()) {
        names.add(r.getKey());
        String prefix = ConfigSchema.repositoryPrefix(r.getKey());
        if (!name.startsWith(prefix) || !(r.getValue() instanceof YamlNode.Mapping block)) {
          continue;
        }
        String rest = name.substring(prefix.length());
        for (String path : ConfigSchema.REPOSITORY_VALUES) {
          if (ConfigSchema.variableSuffix(path).equals(rest)) {
            return root.with("repositories", repos.with(r.getKey(),
                set(block, path, node(path, value, origin))));
          }
        }
        throw new ConfigException(name + ": no such repository field (known: "
            + String.join(", ", ConfigSchema.REPOSITORY_VALUES) + "); see "
            + "docs/configuration.md");
      }
    }
    throw new ConfigException(name + ": names no repository of " + file + "'s repositories: ("
        + (names.isEmpty() ? "none" : String.join(", ", names)) + "); see "
        + "docs/configuration.md");
  }

  private static String databaseName(YamlNode.Mapping root, int i) {
    YamlNode.Sequence list = (YamlNode.Sequence) root.fields().get("databases");
    YamlNode.Mapping db = (YamlNode.Mapping) list.items().get(i);
    return ((YamlNode.Scalar) db.fields().get("name")).text();
  }

  /** The dotted path a top-level variable sets, or null. */
  private static String topValue(String variable) {
    for (String path : ConfigSchema.TOP_VALUES) {
      if (ConfigSchema.variable(path).equals(variable)) {
        return path;
      }
    }
    return null;
  }

  /** Each named database's variable prefix and its index; unnamed ones cannot be addressed. */
  private static Map<String, Integer> databaseIndexByPrefix(YamlNode.Mapping root) {
    Map<String, Integer> out = new LinkedHashMap<>();
    if (root.fields().get("databases") instanceof YamlNode.Sequence list) {
      for (int i = 0; i < list.items().size(); i++) {
        if (list.items().get(i) instanceof YamlNode.Mapping db
            && db.fields().get("name") instanceof YamlNode.Scalar s && !s.isNull()) {
          // Two names with one prefix are refused when the file is validated.
          out.putIfAbsent(ConfigSchema.databasePrefix(s.text()), i);
        }
      }
    }
    return out;
  }

  private static List<String> allVariables(Iterable<String> databasePrefixes) {
    List<String> out = new ArrayList<>();
    ConfigSchema.TOP_VALUES.forEach(p -> out.add(ConfigSchema.variable(p)));
    for (String prefix : databasePrefixes) {
      ConfigSchema.DATABASE_VALUES.forEach(p -> out.add(prefix + ConfigSchema.variableSuffix(p)));
    }
    return out;
  }

  private static YamlNode node(String path, String value, Origin origin) {
    String separator;
    if (ConfigSchema.PATH_LISTS.contains(path)) {
      separator = File.pathSeparator;
    } else if (ConfigSchema.WORD_LISTS.contains(path)) {
      separator = ",";
    } else {
      return new YamlNode.Scalar(value, origin);
    }
    List<YamlNode> items = new ArrayList<>();
    Arrays.stream(value.split(java.util.regex.Pattern.quote(separator)))
        .map(String::strip).filter(s -> !s.isEmpty())
        .forEach(s -> items.add(new YamlNode.Scalar(s, origin)));
    return new YamlNode.Sequence(items, origin);
  }

  /**
   * {@code m} with the value at a dotted path set, creating missing mappings on the way. Where
   * the file has something other than a mapping on the way, the tree is left as it is: the
   * validation reports the file's mistake, which is the one to fix.
   */
  private static YamlNode.Mapping set(YamlNode.Mapping m, String path, YamlNode value) {
    int dot = path.indexOf('.');
    if (dot < 0) {
      return m.with(path, value);
    }
    String key = path.substring(0, dot);
    YamlNode child = m.fields().get(key);
    YamlNode.Mapping inner;
    if (child == null || child instanceof YamlNode.Scalar s && s.isNull()) {
      inner = new YamlNode.Mapping(Map.of(), value.origin());
    } else if (child instanceof YamlNode.Mapping cm) {
      inner = cm;
    } else {
      return m;
    }
    return m.with(key, set(inner, path.substring(dot + 1), value));
  }
}
