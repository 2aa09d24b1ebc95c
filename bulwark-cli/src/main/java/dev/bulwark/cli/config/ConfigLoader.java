package dev.bulwark.cli.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bulwark.core.retention.KeepWithin;
import dev.bulwark.core.retention.RetentionPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code bulwark.yml} into a {@link BulwarkConfig}. First version: binds the documented
 * fields; environment overrides and line numbers in errors come next.
 */
public final class ConfigLoader {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ConfigLoader() {}

  /**
   * Loads and validates a configuration file.
   *
   * @param env the environment, for {@code BULWARK_*} overrides
   * @throws ConfigException naming the field that is wrong
   */
  public static BulwarkConfig load(Path file, Map<String, String> env)
      throws IOException, ConfigException {
    JsonNode root = YAML.readTree(file.toFile());
    if (root == null || !root.isObject()) {
      throw new ConfigException(file + ": not a YAML mapping");
    }
    Path base = file.toAbsolutePath().getParent();
    String repository = text(root, "repository");
    if (repository == null) {
      throw new ConfigException(file + ": repository: missing");
    }
    Path passwordFile = path(base, text(root, "password-file"));
    List<Path> keyFiles = paths(base, root.get("key-files"));
    JsonNode api = root.path("api");
    ApiConfig apiConfig = new ApiConfig(
        api.path("host").asText(ApiConfig.DEFAULT_HOST),
        api.path("port").asInt(ApiConfig.DEFAULT_PORT),
        path(base, text(api, "token-file")),
        api.path("enabled").asBoolean(true));
    List<DatabaseConfig> dbs = new ArrayList<>();
    for (JsonNode d : root.path("databases")) {
      dbs.add(new DatabaseConfig(
          text(d, "name"),
          DatabaseType.valueOf(text(d, "kind").toUpperCase(java.util.Locale.ROOT)),
          path(base, text(d, "path")),
          paths(base, d.get("files")),
          duration(text(d.path("schedule"), "every")),
          retention(d.get("retention")),
          duration(text(d.path("verify"), "every")),
          d.path("auto-restore").asBoolean(false)));
    }
    return new BulwarkConfig(file, repository, passwordFile, keyFiles, apiConfig, dbs);
  }

  /** Parses {@code 30s}, {@code 15m}, {@code 1h}, {@code 2d}. */
  static Duration duration(String s) throws ConfigException {
    if (s == null) {
      return null;
    }
    String t = s.strip();
    if (t.length() < 2) {
      throw new ConfigException("'" + s + "' is not a duration like 30s, 15m, 1h or 1d");
    }
    long n;
    try {
      n = Long.parseLong(t.substring(0, t.length() - 1));
    } catch (NumberFormatException e) {
      throw new ConfigException("'" + s + "' is not a duration like 30s, 15m, 1h or 1d");
    }
    return switch (t.charAt(t.length() - 1)) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      case 'h' -> Duration.ofHours(n);
      case 'd' -> Duration.ofDays(n);
      default -> throw new ConfigException("'" + s + "' is not a duration like 30s, 15m, 1h or 1d");
    };
  }

  private static RetentionPolicy retention(JsonNode r) {
    if (r == null) {
      return RetentionPolicy.KEEP_ALL;
    }
    List<String> tags = new ArrayList<>();
    r.path("keep-tag").forEach(t -> tags.add(t.asText()));
    String within = text(r, "keep-within");
    return new RetentionPolicy(r.path("keep-last").asInt(0), r.path("keep-hourly").asInt(0),
        r.path("keep-daily").asInt(0), r.path("keep-weekly").asInt(0),
        r.path("keep-monthly").asInt(0), r.path("keep-yearly").asInt(0),
        within == null ? KeepWithin.NONE : KeepWithin.parse(within), tags);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Path path(Path base, String p) {
    return p == null ? null : base.resolve(p).normalize();
  }

  private static List<Path> paths(Path base, JsonNode list) {
    List<Path> out = new ArrayList<>();
    if (list != null) {
      list.forEach(n -> out.add(base.resolve(n.asText()).normalize()));
    }
    return out;
  }
}
