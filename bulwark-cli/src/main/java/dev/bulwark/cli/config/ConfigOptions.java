package dev.bulwark.cli.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The flags of a command that runs from {@code bulwark.yml} (a picocli mixin): which file, and
 * the values a flag may override. A flag wins over a {@code BULWARK_*} variable, which wins over
 * the file.
 */
public final class ConfigOptions {
  private final Map<String, String> env;

  /** Options that read {@code BULWARK_*} variables from this process's environment. */
  public ConfigOptions() {
    this(System.getenv());
  }

  /** Options that read {@code BULWARK_*} variables from {@code env}. */
  public ConfigOptions(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  @Option(names = "--config", paramLabel = "FILE", description = "The configuration file "
      + "(default: $BULWARK_CONFIG, ./bulwark.yml, $XDG_CONFIG_HOME/bulwark/bulwark.yml or "
      + "~/.config/bulwark/bulwark.yml, /etc/bulwark/bulwark.yml: the first that exists).")
  Path config;

  @Option(names = {"-r", "--repo"}, paramLabel = "PATH",
      description = "Repository location; overrides 'repository'.")
  String repo;

  @Option(names = "--password-file", paramLabel = "FILE",
      description = "File holding the repository password; overrides 'password-file'.")
  Path passwordFile;

  @Option(names = "--api-host", paramLabel = "HOST",
      description = "Address the HTTP API binds; overrides 'api.host'.")
  String apiHost;

  @Option(names = "--api-port", paramLabel = "PORT",
      description = "Port of the HTTP API (0 picks a free one); overrides 'api.port'.")
  Integer apiPort;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "File holding the API's bearer token; overrides 'api.token-file'.")
  Path tokenFile;

  @Option(names = "--limit-upload", paramLabel = "KiB/s",
      description = "Upload at most this many KiB/s, all transfers together (0 = unlimited); "
          + "overrides 'limit-upload'.")
  Long limitUpload;

  @Option(names = "--limit-download", paramLabel = "KiB/s",
      description = "Download at most this many KiB/s, all transfers together (0 = "
          + "unlimited); overrides 'limit-download'.")
  Long limitDownload;

  /**
   * Finds the file (see {@code docs/configuration.md} for the search order), loads it with the
   * environment (the process's unless given) and these flags applied, and validates it.
   *
   * @throws ConfigException when no file is found, or something in it, in a variable or in a
   *     flag is wrong; the message is one line naming where and which field
   * @throws IOException when the file cannot be read
   */
  public BulwarkConfig load() throws IOException, ConfigException {
    return resolve(env).config();
  }

  /** Like {@link #load()}, also saying where each value came from. */
  public EffectiveConfig resolve() throws IOException, ConfigException {
    return resolve(env);
  }

  /** Like {@link #load()} with the given environment, also saying where each value came from. */
  public EffectiveConfig resolve(Map<String, String> env) throws IOException, ConfigException {
    Path cwd = Path.of("").toAbsolutePath();
    Path file = ConfigSearch.find(config, env, cwd);
    return ConfigLoader.resolve(file, env, flags());
  }

  /** The flags given, in the order they are applied. */
  List<FlagOverride> flags() {
    List<FlagOverride> out = new ArrayList<>();
    if (repo != null) {
      out.add(new FlagOverride("--repo", "repository", repo));
    }
    if (passwordFile != null) {
      out.add(new FlagOverride("--password-file", "password-file", passwordFile.toString()));
    }
    if (apiHost != null) {
      out.add(new FlagOverride("--api-host", "api.host", apiHost));
    }
    if (apiPort != null) {
      out.add(new FlagOverride("--api-port", "api.port", apiPort.toString()));
    }
    if (tokenFile != null) {
      out.add(new FlagOverride("--token-file", "api.token-file", tokenFile.toString()));
    }
    if (limitUpload != null) {
      out.add(new FlagOverride("--limit-upload", "limit-upload", limitUpload.toString()));
    }
    if (limitDownload != null) {
      out.add(new FlagOverride("--limit-download", "limit-download", limitDownload.toString()));
    }
    return out;
  }
}
