package dev.bulwark.cli.daemon;

import dev.bulwark.cli.config.DatabaseConfig;
import dev.bulwark.cli.source.DatabaseSources;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.Progress;
import dev.bulwark.core.SnapshotRef;
import dev.bulwark.core.concurrent.Workers;
import dev.bulwark.core.fs.AtomicFiles;
import dev.bulwark.core.fs.FileTrees;
import dev.bulwark.core.fs.Leftovers;
import dev.bulwark.core.job.CheckpointPolicy;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.restore.DatabaseRestorer;
import dev.bulwark.core.restore.DatabaseSnapshots;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proves the newest snapshot of a database restores: restores it with {@link DatabaseRestorer}
 * (which checks it: SQLite {@code integrity_check} and foreign keys, RocksDB checksums) into a
 * fresh private folder beside the database, then deletes that folder.
 *
 * <p>The folder is beside the database, not in {@code /tmp}, because it needs room for one
 * copy of the database on a real disk. Its name carries the daemon's pid, so a folder left by
 * a killed daemon is removed by the next verification.
 */
final class SnapshotVerification {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotVerification.class);
  private final Repository repo;

  SnapshotVerification(Repository repo) {
    this.repo = repo;
  }

  /**
   * Verifies the newest snapshot of {@code db}, checkpointing as {@code checkpoints} says; a
   * yield deletes the partial copy, and the job that resumes it restores from the start.
   *
   * @throws dev.bulwark.core.job.JobYieldedException if its yield signal asked it to stop
   * @throws BulwarkException if there is no snapshot of it, or the restored copy is not a
   *     healthy database
   */
  Job.Outcome run(DatabaseConfig db, CheckpointPolicy checkpoints)
      throws IOException, BulwarkException {
    repo.loadIndex();
    Path abs = db.path().toAbsolutePath().normalize();
    DatabaseRestorer restorer = new DatabaseRestorer(repo, DatabaseSources.restoreKind(db.kind()),
        Workers.defaultThreads(), new Progress(), checkpoints);
    // This host's newest: another host's copy of the same path says nothing about ours.
    List<Snapshot> all = repo.snapshots();
    DatabaseSnapshots mine = new DatabaseSnapshots(abs, restorer.host());
    Snapshot newest = mine.newest(all).orElseThrow(() ->
        new BulwarkException(mine.noneMessage(all) + " to verify"));
    String prefix = "." + AtomicFiles.siblingBase(abs, 64) + ".bulwark-verify-";
    for (Path p : Leftovers.abandoned(abs.getParent(), prefix)) {
      LOG.info("deleting {}, left by a verification that did not finish", p);
      FileTrees.deleteRecursively(p);
    }
    Path dir = abs.resolveSibling(Leftovers.ownName(prefix) + "-" + newest.id().shortForm());
    FileTrees.deleteRecursively(dir);
    AtomicFiles.createDirectories(dir);
    try {
      try (Lock lock = repo.lock(false)) {
        restorer.restore(SnapshotRef.id(newest.id().toString()), dir.resolve(abs.getFileName()));
      }
      return new Job.Outcome(newest.id().toString(), newest.time(), 0, null);
    } finally {
      FileTrees.deleteRecursively(dir);
    }
  }
}
