package dev.bulwark.cli.daemon;

import dev.bulwark.cli.config.BulwarkConfig;
import dev.bulwark.cli.config.ConfigException;
import dev.bulwark.cli.config.S3Environment;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.WrongPasswordException;
import dev.bulwark.core.backend.Backend;
import dev.bulwark.core.backend.Backends;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.repo.Repository;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Opens the configured repository with the first of its unlock files (the password file, then
 * the server key files) that opens it. Each password is zeroed once tried.
 */
final class RepositoryUnlock {
  private RepositoryUnlock() {}

  /**
   * @throws ConfigException if no unlock file is configured
   * @throws WrongPasswordException if none of them opens the repository (one line naming all)
   * @throws dev.bulwark.core.RepositoryNotFoundException if there is no repository
   */
  static Repository open(BulwarkConfig config) throws IOException, BulwarkException {
    List<Path> files = config.unlockFiles();
    if (files.isEmpty()) {
      throw new ConfigException(config.file() + ": password-file / key-files: give at least "
          + "one file that unlocks the repository");
    }
    // One pair of buckets for the daemon: backups, verifications and streams share the limits.
    // bulwark.yml's s3 settings, each overridden by its environment variable when that is set.
    Map<String, String> env = S3Environment.of(config.s3(), System.getenv(),
        config.file() + ": s3 of " + config.repository());
    Backend backend = config.limits().apply(Backends.open(config.repository(), env));
    List<String> tried = new ArrayList<>();
    try {
      Repository.requireExists(backend);
      for (Path f : files) {
        byte[] pw;
        try {
          pw = Kdf.readPasswordFile(f);
        } catch (IOException e) {
          tried.add(f + " (unreadable: " + Supervisor.oneLine(e) + ")");
          continue;
        }
        try {
          return Repository.open(backend, pw);
        } catch (WrongPasswordException e) {
          tried.add(f.toString());
        } finally {
          Arrays.fill(pw, (byte) 0);
        }
      }
    } catch (IOException | BulwarkException | RuntimeException e) {
      backend.close();
      throw e;
    }
    backend.close();
    throw new WrongPasswordException("none of the configured unlock files opens the repository "
        + "at " + config.repository() + ": tried " + String.join(", ", tried));
  }
}
