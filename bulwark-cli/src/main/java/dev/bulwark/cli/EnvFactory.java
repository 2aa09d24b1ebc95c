package dev.bulwark.cli;

import dev.bulwark.cli.config.ConfigOptions;
import java.util.Map;
import picocli.CommandLine;

/**
 * Makes picocli's command objects, giving the option mixins that read the environment
 * ({@link RepoOptions}, {@link FromRepoOptions}, {@link ConfigOptions}, {@link
 * CheckpointOptions}) the one {@link Main#run} was handed.
 */
final class EnvFactory implements CommandLine.IFactory {
  private final Map<String, String> env;
  private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

  EnvFactory(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  @Override
  public <K> K create(Class<K> cls) throws Exception {
    if (cls == RepoOptions.class) {
      return cls.cast(new RepoOptions(env));
    }
    if (cls == FromRepoOptions.class) {
      return cls.cast(new FromRepoOptions(env));
    }
    if (cls == CheckpointOptions.class) {
      return cls.cast(new CheckpointOptions(env));
    }
    if (cls == ConfigOptions.class) {
      return cls.cast(new ConfigOptions(env));
    }
    return fallback.create(cls);
  }
}
