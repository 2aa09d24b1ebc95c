package dev.bulwark.cli.config;

import dev.bulwark.core.backend.RateLimits;
import dev.bulwark.s3.S3Settings;
import java.nio.file.Path;
import java.util.List;

/**
 * One named repository of {@code bulwark.yml}'s {@code repositories:} map. What a block leaves
 * out (unlock files, limits) is taken from the top level, so a second repository that shares
 * the password needs only its location.
 *
 * @param name its name, unique; {@link #DEFAULT} is the top-level {@code repository:}
 * @param location a path, or a URL such as {@code s3:http://host/bucket/prefix}
 * @param passwordFile a file holding its password, or null
 * @param keyFiles key files, each a password of its own key
 * @param limits its upload and download limits
 * @param s3 how to reach it on S3 ({@link S3Settings#NONE} unless it has an {@code s3:} block or
 *     the top level has one)
 */
public record RepositoryConfig(String name, String location, Path passwordFile,
    List<Path> keyFiles, RateLimits limits, S3Settings s3) {
  /** The name of the top-level {@code repository:}, which databases use unless told otherwise. */
  public static final String DEFAULT = "default";

  public RepositoryConfig {
    keyFiles = keyFiles == null ? List.of() : List.copyOf(keyFiles);
    limits = limits == null ? RateLimits.UNLIMITED : limits;
    s3 = s3 == null ? S3Settings.NONE : s3;
  }

  /** A repository without S3 settings. */
  public RepositoryConfig(String name, String location, Path passwordFile, List<Path> keyFiles,
      RateLimits limits) {
    this(name, location, passwordFile, keyFiles, limits, null);
  }

  /** The files that can unlock it: the password file first, then key files. */
  public List<Path> unlockFiles() {
    return passwordFile == null ? keyFiles
        : java.util.stream.Stream.concat(java.util.stream.Stream.of(passwordFile),
            keyFiles.stream()).toList();
  }
}
