package dev.bulwark.spring;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.RepositoryNotFoundException;
import dev.bulwark.core.WrongPasswordException;
import dev.bulwark.core.api.Bulwark;
import dev.bulwark.core.api.BulwarkRepository;
import dev.bulwark.core.backend.Backend;
import dev.bulwark.core.backend.Backends;
import dev.bulwark.core.backend.RateLimits;
import dev.bulwark.core.crypto.PasswordCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Opens the repository {@code bulwark.repository} names, unlocked by {@code password-file} or
 * {@code password-command}. Failures become one line naming the location and the property to
 * look at, never the password.
 */
final class RepositoryOpener {
  private RepositoryOpener() {}

  /** The opened repository, and its backend for {@link RepositoryProbe}. */
  record Opened(BulwarkRepository repository, Backend backend) {}

  static Opened open(BulwarkProperties p) {
    String location = p.getRepository();
    if (location == null || location.isBlank()) {
      throw new BulwarkStartupException("bulwark.repository is not set",
          "Set it to a folder, local:PATH or s3:... in application.yml.");
    }
    // bulwark.s3.* only matters to an s3: repository (and needs bulwark-s3 only then).
    Map<String, String> env = location.startsWith("s3:")
        ? S3Support.environment(p.getS3(), System.getenv()) : System.getenv();
    Backend backend;
    try {
      backend = Backends.open(location, env);
    } catch (IOException | BulwarkException e) {
      throw new BulwarkStartupException("cannot reach repository " + location + ": "
          + e.getMessage(), "Check bulwark.repository" + (location.startsWith("s3:")
              ? ", bulwark.s3.*" : "") + " and that the store is reachable.", e);
    }
    try {
      Bulwark b = Bulwark.repository(backend).createIfMissing(p.isCreateIfMissing());
      if (p.getLimitUpload() != 0 || p.getLimitDownload() != 0) {
        b.rateLimits(new RateLimits(p.getLimitUpload(), p.getLimitDownload()));
      }
      Path file = p.getPasswordFile();
      if (file != null) {
        if (!Files.isRegularFile(file)) {
          throw new BulwarkStartupException("bulwark.password-file " + file.toAbsolutePath()
              + " does not exist or is not a file",
              "Create it (mode 0600) with the repository's password, or correct the path.");
        }
        b.passwordFile(file);
      } else {
        byte[] pw = PasswordCommand.run(String.valueOf(p.getPasswordCommand()),
            "bulwark.password-command");
        try {
          b.password(pw);
        } finally {
          Arrays.fill(pw, (byte) 0);
        }
      }
      return new Opened(b.open(), backend);
    } catch (RepositoryNotFoundException e) {
      closeQuietly(backend);
      throw new BulwarkStartupException("there is no repository at " + location,
          "Create it with `bulwark init --repo " + location + "`, or set "
              + "bulwark.create-if-missing=true, or correct bulwark.repository.", e);
    } catch (WrongPasswordException e) {
      closeQuietly(backend);
      throw new BulwarkStartupException("the password from " + passwordSource(p)
          + " opens no key of repository " + location,
          "Give the password of a key of this repository (bulwark key add registers one).", e);
    } catch (BulwarkStartupException e) {
      closeQuietly(backend);
      throw e;
    } catch (IOException | BulwarkException | IllegalArgumentException e) {
      closeQuietly(backend);
      throw new BulwarkStartupException("cannot open repository " + location + ": "
          + e.getMessage(), "Check bulwark.repository, " + passwordSource(p)
          + " and that the store is reachable.", e);
    }
  }

  private static String passwordSource(BulwarkProperties p) {
    return p.getPasswordFile() != null ? "bulwark.password-file (" + p.getPasswordFile() + ")"
        : "bulwark.password-command";
  }

  private static void closeQuietly(Backend backend) {
    try {
      backend.close();
    } catch (IOException e) {
      // The failure to open is the one reported.
    }
  }
}
