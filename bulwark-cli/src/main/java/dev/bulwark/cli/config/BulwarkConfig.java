package dev.bulwark.cli.config;

import dev.bulwark.core.backend.RateLimits;
import java.nio.file.Path;
import java.util.List;

/**
 * The effective configuration of a daemon: file, then environment, then flags applied.
 *
 * @param file where it was read from
 * @param repository the repository location (a path, or a URL such as {@code local:/path})
 * @param passwordFile a file holding the repository password, or null
 * @param keyFiles server key files, each a password of its own key; any one unlocks
 * @param api the HTTP API
 * @param databases what to back up, in file order; names are unique
 * @param limits upload and download limits of every transfer the daemon makes, together
 * @param groups databases backed up together as one group snapshot, in file order; names are
 *     unique among groups and databases
 */
public record BulwarkConfig(Path file, String repository, Path passwordFile, List<Path> keyFiles,
    ApiConfig api, List<DatabaseConfig> databases, RateLimits limits, List<GroupConfig> groups) {

  public BulwarkConfig {
    keyFiles = keyFiles == null ? List.of() : List.copyOf(keyFiles);
    databases = databases == null ? List.of() : List.copyOf(databases);
    limits = limits == null ? RateLimits.UNLIMITED : limits;
    groups = groups == null ? List.of() : List.copyOf(groups);
  }

  /** A configuration without groups. */
  public BulwarkConfig(Path file, String repository, Path passwordFile, List<Path> keyFiles,
      ApiConfig api, List<DatabaseConfig> databases, RateLimits limits) {
    this(file, repository, passwordFile, keyFiles, api, databases, limits, List.of());
  }

  /** A configuration without rate limits. */
  public BulwarkConfig(Path file, String repository, Path passwordFile, List<Path> keyFiles,
      ApiConfig api, List<DatabaseConfig> databases) {
    this(file, repository, passwordFile, keyFiles, api, databases, RateLimits.UNLIMITED);
  }

  /** The files that can unlock the repository: the password file first, then key files. */
  public List<Path> unlockFiles() {
    return passwordFile == null ? keyFiles
        : java.util.stream.Stream.concat(java.util.stream.Stream.of(passwordFile),
            keyFiles.stream()).toList();
  }

  /** The database of that name. */
  public java.util.Optional<DatabaseConfig> database(String name) {
    return databases.stream().filter(d -> d.name().equals(name)).findFirst();
  }
}
