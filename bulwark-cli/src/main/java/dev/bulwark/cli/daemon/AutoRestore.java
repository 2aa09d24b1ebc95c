package dev.bulwark.cli.daemon;

import dev.bulwark.cli.config.DatabaseConfig;
import dev.bulwark.cli.source.DatabaseSources;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.Progress;
import dev.bulwark.core.SnapshotRef;
import dev.bulwark.core.concurrent.Workers;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.restore.DatabaseRestorer;
import dev.bulwark.core.restore.RestoreOption;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At daemon start: restores a database that is missing from its newest snapshot, as {@code
 * BulwarkRepository.restoreIfMissing} does; a database that exists, or one with no snapshot,
 * is left alone. The restored copy is verified before it is put in place.
 */
final class AutoRestore {
  private static final Logger LOG = LoggerFactory.getLogger(AutoRestore.class);
  private final Repository repo;

  AutoRestore(Repository repo) {
    this.repo = repo;
  }

  Job.Outcome run(DatabaseConfig db) throws IOException, BulwarkException {
    DatabaseRestorer restorer = new DatabaseRestorer(repo,
        DatabaseSources.restoreKind(db.kind()), Workers.defaultThreads(), new Progress());
    // A database in place needs no lock: a locked repository must not fail the start-up.
    DatabaseRestorer.Result r = restorer.skipIfDatabaseExists(db.path()).orElse(null);
    if (r == null) {
      try (Lock lock = repo.lock(false)) {
        repo.loadIndex();
        r = restorer.restore(SnapshotRef.latest(), db.path(), RestoreOption.IF_DB_NOT_EXISTS,
            RestoreOption.IF_REPLICA_EXISTS);
      }
    }
    switch (r.outcome()) {
      case RESTORED -> {
        Snapshot s = r.snapshot().orElseThrow();
        LOG.info("auto-restore: {} was missing; restored from snapshot {}", db.path(),
            s.id().shortForm());
        return new Job.Outcome(s.id().toString(), s.time(), 0, null);
      }
      case SKIPPED_DB_EXISTS -> LOG.info("auto-restore: {} exists; nothing to do", db.path());
      case SKIPPED_NO_SNAPSHOT -> LOG.info("auto-restore: {} is missing and the repository has "
          + "no snapshot of it; the first backup will make one", db.path());
      default -> throw new IllegalStateException(r.outcome().toString());
    }
    return Job.Outcome.NONE;
  }
}
