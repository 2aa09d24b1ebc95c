package dev.bulwark.cli.config;

import java.io.IOException;

/**
 * Where a running daemon gets its configuration again on reload: the same file, variables and
 * flags it started with.
 */
@FunctionalInterface
public interface ConfigSource {
  /**
   * Reads and validates the configuration anew.
   *
   * @throws ConfigException if it is invalid (the message names where and which field)
   */
  BulwarkConfig load() throws IOException, ConfigException;
}
