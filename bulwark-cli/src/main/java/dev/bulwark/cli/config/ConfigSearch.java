package dev.bulwark.cli.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Finds the configuration file. An explicit file ({@code --config}, else
 * {@code $BULWARK_CONFIG}) must exist; otherwise the first that exists of
 * {@code ./bulwark.yml}, {@code $XDG_CONFIG_HOME/bulwark/bulwark.yml} (or
 * {@code ~/.config/bulwark/bulwark.yml} when that variable is unset) and
 * {@code /etc/bulwark/bulwark.yml}.
 */
final class ConfigSearch {
  static final String FILE_NAME = "bulwark.yml";
  static final Path SYSTEM_FILE = Path.of("/etc/bulwark", FILE_NAME);

  private ConfigSearch() {}

  /**
   * The file to load.
   *
   * @param explicit the {@code --config} value, or null
   * @param cwd the working directory, where {@code ./bulwark.yml} is looked for; an explicit
   *     file is used as given, so that errors name it as the user wrote it
   * @throws ConfigException when an explicit file is missing, or no place holds one; the
   *     message lists where it looked
   */
  static Path find(Path explicit, Map<String, String> env, Path cwd) throws ConfigException {
    if (explicit != null) {
      return existing(explicit, "--config");
    }
    String fromEnv = env.get("BULWARK_CONFIG");
    if (fromEnv != null && !fromEnv.isEmpty()) {
      return existing(Path.of(fromEnv), "BULWARK_CONFIG");
    }
    List<Path> places = places(env, cwd);
    for (Path p : places) {
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new ConfigException("no configuration file: looked for " + places.stream()
        .map(Path::toString).collect(Collectors.joining(", ")) + "; give one with --config FILE "
        + "or BULWARK_CONFIG (see bulwark.example.yml)");
  }

  /** Where to look when no file is named, in order. */
  static List<Path> places(Map<String, String> env, Path cwd) {
    List<Path> out = new ArrayList<>();
    out.add(cwd.resolve(FILE_NAME));
    String xdg = env.get("XDG_CONFIG_HOME");
    if (xdg != null && !xdg.isEmpty()) {
      out.add(Path.of(xdg, "bulwark", FILE_NAME));
    } else {
      String home = env.getOrDefault("HOME", System.getProperty("user.home"));
      out.add(Path.of(home, ".config", "bulwark", FILE_NAME));
    }
    out.add(SYSTEM_FILE);
    return out;
  }

  private static Path existing(Path p, String from) throws ConfigException {
    if (!Files.isRegularFile(p)) {
      throw new ConfigException(from + ": no such file: " + p);
    }
    return p;
  }
}
