package dev.bulwark.core.api;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.Progress;
import dev.bulwark.core.backend.Backend;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.backend.RateLimits;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.repo.Repository;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Entry point for services that embed Bulwark:
 *
 * <pre>{@code
 * try (BulwarkRepository repo = Bulwark.repository(Path.of("/backups/repo"))
 *     .passwordFile(Path.of("/etc/app/backup-password"))
 *     .createIfMissing(true)
 *     .open()) {
 *   Snapshot s = repo.backup(SqliteDatabase.at(dbPath), FileSource.of(nodeKey));
 * }
 * }</pre>
 *
 * <p>Each option can be set once; {@link #open()} checks that a password was given.
 */
public final class Bulwark {
  private final Backend backend;
  private byte @Nullable [] password;
  private boolean createIfMissing;
  private boolean createIfMissingSet;
  private @Nullable BackupOptions backupOptions;
  private Kdf.@Nullable Params kdf;
  private @Nullable Progress progress;
  private @Nullable RateLimits rateLimits;

  private Bulwark(Backend backend) {
    this.backend = backend;
  }

  /**
   * A repository in a local folder.
   *
   * @param folder the repository's folder (restic's {@code -r /path})
   * @return a builder; nothing is opened until {@link #open()}
   */
  public static Bulwark repository(Path folder) {
    return new Bulwark(LocalBackend.open(folder));
  }

  /**
   * A repository on any backend.
   *
   * @param backend the store holding the repository, e.g. an {@code S3Backend}; the opened
   *     repository closes it
   * @return a builder; nothing is opened until {@link #open()}
   */
  public static Bulwark repository(Backend backend) {
    return new Bulwark(backend);
  }

  /**
   * The password, read from a file (whitespace around it removed, as restic does).
   *
   * @param file the file holding the password, readable by the service only
   * @return this builder
   * @throws IOException if the file cannot be read
   */
  public Bulwark passwordFile(Path file) throws IOException {
    byte[] pw = Kdf.readPasswordFile(file);
    try {
      return password(pw);
    } finally {
      Arrays.fill(pw, (byte) 0);
    }
  }

  /**
   * The password as UTF-8 bytes; copied, so the caller may zero its array.
   *
   * @param utf8 the password's bytes in UTF-8
   * @return this builder
   */
  public Bulwark password(byte[] utf8) {
    requireUnset(password == null, "password");
    if (utf8.length == 0) {
      throw new IllegalArgumentException("an empty password is not allowed");
    }
    this.password = utf8.clone();
    return this;
  }

  /**
   * Create the repository if there is none yet (default: false).
   *
   * @param create true to initialize a new repository when the location holds none
   * @return this builder
   */
  public Bulwark createIfMissing(boolean create) {
    requireUnset(!createIfMissingSet, "createIfMissing");
    this.createIfMissing = create;
    this.createIfMissingSet = true;
    return this;
  }

  /**
   * Options for backups made through the opened repository (default: BackupOptions.defaults).
   *
   * @param options host name, tags, parallelism and checkpoints of the backups
   * @return this builder
   */
  public Bulwark backupOptions(BackupOptions options) {
    requireUnset(backupOptions == null, "backupOptions");
    this.backupOptions = options;
    return this;
  }

  /**
   * Counters every call on the opened repository updates (bytes and items done, expected
   * total), for a service to show or export: read them from any thread, or create them with a
   * {@link Progress.Listener} to be told of each change. They add up over all calls; the
   * expected total is the current call's (default: counters no one reads).
   *
   * @param counters the counters to update; share one with other repositories to add them up
   * @return this builder
   */
  public Bulwark progress(Progress counters) {
    requireUnset(progress == null, "progress");
    this.progress = counters;
    return this;
  }

  /**
   * Upload and download limits in KiB/s, restic's {@code --limit-upload} and {@code
   * --limit-download} (default: unlimited). Every thread of the opened repository shares them;
   * to share them with another repository of the process, wrap its backend with the same
   * call's result instead ({@link RateLimits#apply}).
   *
   * @param limits the upload and download limits, in KiB/s
   * @return this builder
   */
  public Bulwark rateLimits(RateLimits limits) {
    requireUnset(rateLimits == null, "rateLimits");
    this.rateLimits = limits;
    return this;
  }

  /**
   * scrypt cost for a repository this call creates (default: restic's).
   *
   * @param params the scrypt parameters (N, r, p); higher costs more time to open the repository
   * @return this builder
   */
  public Bulwark keyDerivation(Kdf.Params params) {
    requireUnset(kdf == null, "keyDerivation");
    this.kdf = params;
    return this;
  }

  /**
   * Opens (or, if asked, creates) the repository and loads its index.
   *
   * @return the open repository; close it to release its backend and caches
   * @throws dev.bulwark.core.RepositoryNotFoundException if there is none and creation was not
   *     asked for
   * @throws dev.bulwark.core.WrongPasswordException if the password opens no key
   * @throws IOException if the repository cannot be read or written (storage or network failure),
   *     or the call was interrupted
   */
  public BulwarkRepository open() throws IOException, BulwarkException {
    byte[] password = this.password;
    if (password == null) {
      throw new IllegalStateException("no password set: call password(...) or passwordFile(...)");
    }
    Backend backend = rateLimits == null ? this.backend : rateLimits.apply(this.backend);
    try {
      Repository r = createIfMissing && !backend.exists()
          ? Repository.init(backend, password, kdf != null ? kdf : Kdf.Params.calibrated())
          : Repository.open(backend, password);
      return new BulwarkRepository(r,
          backupOptions != null ? backupOptions : BackupOptions.defaults(),
          progress != null ? progress : new Progress());
    } finally {
      Arrays.fill(password, (byte) 0);
      this.password = null;
    }
  }

  private static void requireUnset(boolean unset, String option) {
    if (!unset) {
      throw new IllegalStateException(option + " was already set");
    }
  }
}
