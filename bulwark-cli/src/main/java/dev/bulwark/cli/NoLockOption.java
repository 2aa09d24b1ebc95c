package dev.bulwark.cli;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import java.io.IOException;
import picocli.CommandLine.Option;

/**
 * {@code --no-lock} for commands that only read, as restic 0.14 has it: a repository on
 * read-only media or behind read-only credentials can be read without writing a lock file.
 */
final class NoLockOption {
  @Option(names = "--no-lock", description = "Do not lock the repository (for read-only "
      + "media or credentials; a concurrent prune may then remove data being read).")
  boolean noLock;

  /** A lock on {@code r}, or null (which try-with-resources accepts) with --no-lock. */
  Lock lock(Repository r, boolean exclusive) throws IOException, BulwarkException {
    return noLock ? null : r.lock(exclusive);
  }

  /**
   * The lock, unless {@code --no-lock}, with the index loaded while it settles; without a lock,
   * the index alone.
   */
  Lock lockLoadingIndex(Repository r, boolean exclusive) throws IOException, BulwarkException {
    if (noLock) {
      r.loadIndex();
      return null;
    }
    return r.lockLoadingIndex(exclusive);
  }
}
