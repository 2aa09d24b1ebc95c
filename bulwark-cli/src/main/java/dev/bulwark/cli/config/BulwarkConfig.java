package dev.bulwark.cli.config;

import dev.bulwark.core.backend.RateLimits;
import dev.bulwark.s3.S3Settings;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
 * @param repositories the named repositories of {@code repositories:}, in file order; the
 *     top-level {@code repository} is not among them (it is {@link RepositoryConfig#DEFAULT})
 * @param targets for each database that names its repositories, where it is backed up, in
 *     its order; a database not in this map goes to the default repository only
 * @param s3 how to reach the top-level repository on S3 (the top-level {@code s3:} block), and
 *     the named ones that have no block of their own; {@link S3Settings#NONE} if not given
 */
public record BulwarkConfig(Path file, String repository, Path passwordFile, List<Path> keyFiles,
    ApiConfig api, List<DatabaseConfig> databases, RateLimits limits, List<GroupConfig> groups,
    List<RepositoryConfig> repositories, Map<String, List<RepositoryTarget>> targets,
    S3Settings s3) {

  public BulwarkConfig {
    keyFiles = keyFiles == null ? List.of() : List.copyOf(keyFiles);
    databases = databases == null ? List.of() : List.copyOf(databases);
    limits = limits == null ? RateLimits.UNLIMITED : limits;
    groups = groups == null ? List.of() : List.copyOf(groups);
    repositories = repositories == null ? List.of() : List.copyOf(repositories);
    Map<String, List<RepositoryTarget>> t = new LinkedHashMap<>();
    if (targets != null) {
      targets.forEach((k, v) -> t.put(k, List.copyOf(v)));
    }
    targets = Collections.unmodifiableMap(t);
    s3 = s3 == null ? S3Settings.NONE : s3;
  }

  /** A configuration without S3 settings. */
  public BulwarkConfig(Path file, String repository, Path passwordFile, List<Path> keyFiles,
      ApiConfig api, List<DatabaseConfig> databases, RateLimits limits, List<GroupConfig> groups,
      List<RepositoryConfig> repositories, Map<String, List<RepositoryTarget>> targets) {
    this(file, repository, passwordFile, keyFiles, api, databases, limits, groups, repositories,
        targets, null);
  }

  /** A configuration with one repository. */
  public BulwarkConfig(Path file, String repository, Path passwordFile, List<Path> keyFiles,
      ApiConfig api, List<DatabaseConfig> databases, RateLimits limits,
      List<GroupConfig> groups) {
    this(file, repository, passwordFile, keyFiles, api, databases, limits, groups, null, null);
  }

  /** A configuration with one repository and no groups. */
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

  /** The top-level repository, as the named repository {@link RepositoryConfig#DEFAULT}. */
  public RepositoryConfig defaultRepository() {
    return new RepositoryConfig(RepositoryConfig.DEFAULT, repository, passwordFile, keyFiles,
        limits, s3);
  }

  /** The repository of that name, the default one included. */
  public Optional<RepositoryConfig> repository(String name) {
    if (RepositoryConfig.DEFAULT.equals(name)) {
      return Optional.of(defaultRepository());
    }
    return repositories.stream().filter(r -> r.name().equals(name)).findFirst();
  }

  /** Where {@code db} is backed up, in its order: the default repository unless it names others. */
  public List<RepositoryTarget> targets(DatabaseConfig db) {
    List<RepositoryTarget> t = targets.get(db.name());
    return t == null ? List.of(RepositoryTarget.of(db)) : t;
  }

  /** True if some database is backed up anywhere but (or besides) the default repository. */
  public boolean hasSeveralRepositories() {
    return databases.stream().anyMatch(d -> {
      List<RepositoryTarget> t = targets(d);
      return t.size() > 1 || !t.get(0).repository().equals(RepositoryConfig.DEFAULT);
    });
  }

  /** The database of that name. */
  public Optional<DatabaseConfig> database(String name) {
    return databases.stream().filter(d -> d.name().equals(name)).findFirst();
  }
}
