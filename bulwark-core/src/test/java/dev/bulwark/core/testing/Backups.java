package dev.bulwark.core.testing;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.backup.Archiver;
import dev.bulwark.core.backup.BackupResult;
import dev.bulwark.core.backup.Source;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import java.io.IOException;
import java.util.List;

/** Runs a backup as a caller does: under a shared lock taken for it and released after. */
public final class Backups {
  private Backups() {}

  /** {@code archiver.backup(sources)} under a shared lock on {@code repo}. */
  public static BackupResult underLock(Repository repo, Archiver archiver,
      List<? extends Source> sources) throws IOException, BulwarkException {
    try (Lock lock = repo.lock(false)) {
      return archiver.backup(lock, sources);
    }
  }
}
