package dev.bulwark.cli.daemon;

import dev.bulwark.cli.config.DatabaseConfig;
import dev.bulwark.cli.config.GroupConfig;
import dev.bulwark.cli.source.DatabaseSources;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.IncompleteBackupException;
import dev.bulwark.core.Progress;
import dev.bulwark.core.backup.Archiver;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.backup.BackupResult;
import dev.bulwark.core.backup.Source;
import dev.bulwark.core.job.CheckpointPolicy;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One backup of one configured database with its travelling files, or of a configured group
 * of databases as one group snapshot, as {@code bulwark backup --sqlite/--rocksdb --file}
 * makes it, under the repository's shared lock (taken here and
 * handed to the {@link Archiver}). A RocksDB database must be closed: see {@link
 * DatabaseSources}.
 */
final class DatabaseBackup {
  private final Repository repo;
  private final Clock clock;

  DatabaseBackup(Repository repo, Clock clock) {
    this.repo = repo;
    this.clock = clock;
  }

  /**
   * Backs up {@code db}; an interrupt stops it before its snapshot is written, and so does its
   * yield signal at a checkpoint (the packs stored so far are indexed: the next run reuses them).
   *
   * @throws dev.bulwark.core.job.JobYieldedException if the yield signal asked it to stop
   */
  Job.Outcome run(DatabaseConfig db, CheckpointPolicy checkpoints)
      throws IOException, BulwarkException {
    return store(DatabaseSources.snapshotOf(db.kind(), db.path(), db.files()), null,
        db.chunked(BackupOptions.defaults()), checkpoints);
  }

  /**
   * Backs up every member of {@code group} with its files and the group's files as one group
   * snapshot: every member is opened before any is read. Stops as {@link #run} does.
   *
   * @throws dev.bulwark.core.job.JobYieldedException if the yield signal asked it to stop
   */
  Job.Outcome runGroup(GroupConfig group, CheckpointPolicy checkpoints)
      throws IOException, BulwarkException {
    List<Source> sources = new ArrayList<>();
    Set<Path> files = new LinkedHashSet<>();
    for (DatabaseConfig db : group.databases()) {
      sources.add(DatabaseSources.database(db.kind(), db.path()));
      files.addAll(db.files());
    }
    files.addAll(group.files());
    if (!files.isEmpty()) {
      sources.add(DatabaseSources.travelling(List.copyOf(files)));
    }
    return store(sources, group.name(), BackupOptions.defaults(), checkpoints);
  }

  private Job.Outcome store(List<Source> sources, String group, BackupOptions base,
      CheckpointPolicy checkpoints) throws IOException, BulwarkException {
    BackupOptions options = base.withClock(clock).withCheckpoints(checkpoints);
    try {
      BackupResult r;
      try (Lock lock = repo.lockLoadingIndex(false)) {
        r = new Archiver(repo, options, new Progress()).backup(lock, sources, group);
        // Saved: a failed release must not count as a failed backup and cause a retry.
        lock.releaseAfterSuccess();
      }
      Snapshot s = r.snapshot();
      return new Job.Outcome(s.id().toString(), s.time(), r.bytesAdded(), null);
    } catch (IncompleteBackupException e) {
      // The snapshot was saved without some files: it is a snapshot of the database, and the
      // schedule counts from it, but the job failed.
      Snapshot s = repo.loadSnapshot(e.snapshot());
      return new Job.Outcome(s.id().toString(), s.time(), 0, Supervisor.oneLine(e));
    }
  }
}
