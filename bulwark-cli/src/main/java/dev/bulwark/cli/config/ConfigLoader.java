package dev.bulwark.cli.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code bulwark.yml}, lays the {@code BULWARK_*} environment variables and then the
 * command-line flags over it (flag wins over environment wins over file), and validates the
 * result into a {@link BulwarkConfig}. The field names, defaults and variable names are in
 * {@code docs/configuration.md}.
 *
 * <p>Every refusal is a {@link ConfigException} whose message is one line:
 * {@code <where>: <field path>: <what is wrong>}, where {@code <where>} is {@code file:line},
 * the environment variable or the flag that holds the bad value. Relative paths resolve against
 * the file's folder when written in the file, against the working directory when given by a
 * variable or flag. Stateless and thread-safe.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  /**
   * Loads and validates a configuration file with the environment applied.
   *
   * @param env the environment, for {@code BULWARK_*} overrides
   * @throws ConfigException naming the file and line (or variable) and the field that is wrong
   * @throws IOException when the file cannot be read
   */
  public static BulwarkConfig load(Path file, Map<String, String> env)
      throws IOException, ConfigException {
    return resolve(file, env, List.of()).config();
  }

  /**
   * Like {@link #load}, then applies {@code flags}, and says where each value came from.
   *
   * @throws ConfigException naming the file and line, variable or flag and the field
   * @throws IOException when the file cannot be read
   */
  public static EffectiveConfig resolve(Path file, Map<String, String> env,
      List<FlagOverride> flags) throws IOException, ConfigException {
    YamlNode.Mapping root = YamlReader.read(file);
    root = Overlay.environment(root, env, file);
    root = Overlay.flags(root, flags);
    return ConfigBinder.bind(file, root);
  }
}
