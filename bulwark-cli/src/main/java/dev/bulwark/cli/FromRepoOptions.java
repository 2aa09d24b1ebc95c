package dev.bulwark.cli;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.RepositoryNotFoundException;
import dev.bulwark.core.WrongPasswordException;
import dev.bulwark.core.backend.Backend;
import dev.bulwark.core.backend.Backends;
import dev.bulwark.core.backend.RateLimits;
import dev.bulwark.core.crypto.PasswordCommand;
import dev.bulwark.core.repo.Repository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The second repository of {@code copy} and {@code init --copy-chunker-params}: where it is and
 * how to unlock it, as restic's {@code --from-repo} options. As for the main repository, the
 * password never comes from a flag value: a file, a command's output, the environment or a
 * prompt. Failures to open it name it as the source repository, so a user knows which of the
 * two passwords or locations is wrong.
 */
final class FromRepoOptions {
  static final String REPOSITORY_VARIABLE = "BULWARK_FROM_REPOSITORY";
  static final String PASSWORD_FILE_VARIABLE = "BULWARK_FROM_PASSWORD_FILE";
  static final String PASSWORD_VARIABLE = "BULWARK_FROM_PASSWORD";

  private final Map<String, String> env;

  @Option(names = "--from-repo", paramLabel = "PATH",
      description = "Source repository location (default: $" + REPOSITORY_VARIABLE + ").")
  String repo;

  @Option(names = "--from-password-file", paramLabel = "FILE",
      description = "Read the source repository's password from FILE (default: $"
          + PASSWORD_FILE_VARIABLE + ", then $" + PASSWORD_VARIABLE + ", then a prompt).")
  Path passwordFile;

  @Option(names = "--from-password-command", paramLabel = "COMMAND",
      description = "Run COMMAND (with sh -c) and read the source repository's password from "
          + "its output.")
  String passwordCommand;

  /** Options that read their defaults from this process's environment. */
  FromRepoOptions() {
    this(System.getenv());
  }

  /** Options that read their defaults (and S3 settings) from {@code env}. */
  FromRepoOptions(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** True if a source repository is named by a flag or the environment. */
  boolean isGiven() {
    return location() != null;
  }

  private String location() {
    String r = repo != null ? repo : env.get(REPOSITORY_VARIABLE);
    return r == null || r.isBlank() ? null : r;
  }

  /**
   * Opens the source repository, with its index unless {@code withIndex} is false.
   *
   * @throws RepositoryNotFoundException naming it as the source if there is none
   * @throws WrongPasswordException naming it as the source if the password opens no key
   */
  Repository open(boolean withIndex, RateLimits limits)
      throws IOException, BulwarkException, UsageException {
    String r = location();
    if (r == null) {
      throw new UsageException("no source repository given: use --from-repo PATH or set "
          + REPOSITORY_VARIABLE);
    }
    Backend b = limits.apply(Backends.open(r, env));
    try {
      Repository.requireExists(b);
      byte[] pw = password();
      try {
        return withIndex ? Repository.open(b, pw) : Repository.openWithoutIndex(b, pw);
      } finally {
        Arrays.fill(pw, (byte) 0);
      }
    } catch (RepositoryNotFoundException e) {
      b.close();
      throw new RepositoryNotFoundException("source repository: " + e.getMessage());
    } catch (WrongPasswordException e) {
      b.close();
      throw new WrongPasswordException("source repository: " + e.getMessage());
    }
  }

  /** The source password as UTF-8 bytes; the caller zeroes it. */
  private byte[] password() throws IOException, UsageException {
    if (passwordFile != null && passwordCommand != null) {
      throw new UsageException("give --from-password-file or --from-password-command, not "
          + "both");
    }
    if (passwordCommand != null) {
      try {
        return PasswordCommand.run(passwordCommand, "--from-password-command");
      } catch (java.io.InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        throw new UsageException(e.getMessage(), false);
      }
    }
    Path file = passwordFile;
    if (file == null && env.get(PASSWORD_FILE_VARIABLE) != null) {
      file = Path.of(env.get(PASSWORD_FILE_VARIABLE));
    }
    if (file != null) {
      return RepoOptions.readPasswordFile(file);
    }
    String fromEnv = env.get(PASSWORD_VARIABLE);
    if (fromEnv != null && !fromEnv.isEmpty()) {
      return fromEnv.getBytes(StandardCharsets.UTF_8);
    }
    return RepoOptions.prompt("enter the password of the source repository", false);
  }
}
