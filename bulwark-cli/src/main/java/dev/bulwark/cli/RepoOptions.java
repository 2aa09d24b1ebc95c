package dev.bulwark.cli;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.backend.Backend;
import dev.bulwark.core.backend.Backends;
import dev.bulwark.core.backend.RateLimits;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.repo.Repository;
import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the repository is and how to unlock it. The password comes from a file, the
 * environment or a prompt; never from a flag value, which {@code ps} would show.
 */
final class RepoOptions {
  private final Map<String, String> env;

  @Option(names = {"-r", "--repo"}, paramLabel = "PATH",
      description = "Repository location (default: $BULWARK_REPOSITORY).")
  String repo;

  @Option(names = "--password-file", paramLabel = "FILE",
      description = "Read the password from FILE, trimmed as restic trims it "
          + "(default: $BULWARK_PASSWORD_FILE, then $BULWARK_PASSWORD, then a prompt).")
  Path passwordFile;

  /** Options that read {@code BULWARK_*} and S3 settings from this process's environment. */
  RepoOptions() {
    this(System.getenv());
  }

  /** Options that read {@code BULWARK_*} and S3 settings from {@code env}. */
  RepoOptions(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** The environment these options read their defaults from. */
  Map<String, String> env() {
    return env;
  }

  Backend backend() throws IOException, BulwarkException, UsageException {
    String r = repo != null ? repo : env.get("BULWARK_REPOSITORY");
    if (r == null || r.isBlank()) {
      throw new UsageException("no repository given: use --repo PATH or set BULWARK_REPOSITORY");
    }
    return Backends.open(r, env);
  }

  /** The password as UTF-8 bytes; the caller zeroes it. */
  byte[] password(String prompt) throws IOException, UsageException {
    Path file = passwordFile;
    if (file == null && env.get("BULWARK_PASSWORD_FILE") != null) {
      file = Path.of(env.get("BULWARK_PASSWORD_FILE"));
    }
    if (file != null) {
      return readPasswordFile(file);
    }
    String fromEnv = env.get("BULWARK_PASSWORD");
    if (fromEnv != null) {
      return nonEmpty(fromEnv.getBytes(StandardCharsets.UTF_8));
    }
    return prompt(prompt, false);
  }

  static byte[] readPasswordFile(Path file) throws IOException, UsageException {
    return nonEmpty(Kdf.readPasswordFile(file));
  }

  static byte[] prompt(String prompt, boolean confirm) throws UsageException {
    Console c = System.console();
    if (c == null) {
      throw new UsageException("no password given: use --password-file FILE or set "
          + "BULWARK_PASSWORD (no terminal to prompt on)", false);
    }
    char[] pw = c.readPassword("%s: ", prompt);
    if (pw == null) {
      throw new UsageException("no password entered", false);
    }
    try {
      if (confirm) {
        char[] again = c.readPassword("enter the password again: ");
        try {
          if (again == null || !Arrays.equals(pw, again)) {
            throw new UsageException("the passwords do not match", false);
          }
        } finally {
          if (again != null) {
            Arrays.fill(again, '\0');
          }
        }
      }
      return nonEmpty(Kdf.passwordBytes(pw));
    } finally {
      Arrays.fill(pw, '\0');
    }
  }

  private static byte[] nonEmpty(byte[] pw) throws UsageException {
    if (pw.length == 0) {
      throw new UsageException("an empty password is not allowed", false);
    }
    return pw;
  }

  /** Opens the repository, with its index unless {@code withIndex} is false. */
  Repository open(boolean withIndex) throws IOException, BulwarkException, UsageException {
    return open(withIndex, RateLimits.UNLIMITED);
  }

  /** Like {@link #open(boolean)}, every transfer within {@code limits} (flags, else env). */
  Repository open(boolean withIndex, LimitOptions limits)
      throws IOException, BulwarkException, UsageException {
    return open(withIndex, limits.rateLimits(env));
  }

  private Repository open(boolean withIndex, RateLimits limits)
      throws IOException, BulwarkException, UsageException {
    Backend b = limits.apply(backend());
    // Before asking for a password: there is nothing to unlock.
    Repository.requireExists(b);
    byte[] pw = password("enter the repository password");
    try {
      return withIndex ? Repository.open(b, pw) : Repository.openWithoutIndex(b, pw);
    } finally {
      Arrays.fill(pw, (byte) 0);
    }
  }
}
