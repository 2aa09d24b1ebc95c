package dev.bulwark.core.api;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.backup.Archiver;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.backup.Source;
import dev.bulwark.core.Progress;
import dev.bulwark.core.concurrent.Workers;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.restore.DatabaseKind;
import dev.bulwark.core.restore.DatabaseRestorer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * An open repository for an embedding service. Thread-safe: backups from several threads run
 * one at a time, so an RPC "back up now" arriving during a scheduled backup waits for it
 * rather than racing it.
 */
public final class BulwarkRepository implements AutoCloseable {
  private final Repository repo;
  private final BackupOptions options;
  private final Object backupLock = new Object();

  BulwarkRepository(Repository repo, BackupOptions options) {
    this.repo = repo;
    this.options = options;
  }

  /**
   * Backs up the sources (e.g. a database and its key files) into one new snapshot, while the
   * service keeps running.
   *
   * @return the saved snapshot
   * @throws dev.bulwark.core.IncompleteBackupException if some files could not be read (the
   *     snapshot was saved without them)
   */
  public Snapshot backup(Source... sources) throws IOException, BulwarkException {
    synchronized (backupLock) {
      try (Lock lock = repo.lock(false)) {
        return new Archiver(repo, options, new Progress()).backup(lock, List.of(sources))
            .snapshot();
      }
    }
  }

  /**
   * At start-up: restores this host's newest snapshot of the database at {@code db} if, and
   * only if, there is no database there and the repository has such a snapshot. "This host" is
   * the host name backups are recorded under ({@link BackupOptions#hostname()}, by default the
   * machine's), so a repository shared by several hosts never brings back another host's copy.
   *
   * @param kind the database kind, e.g. {@code new SqliteKind()} from bulwark-sqlite
   * @return what was done
   */
  public DatabaseRestorer.Result restoreIfMissing(DatabaseKind kind, Path db)
      throws IOException, BulwarkException {
    DatabaseRestorer restorer = restorer(kind, options.hostname());
    Optional<DatabaseRestorer.Result> exists = restorer.skipIfDatabaseExists(db);
    if (exists.isPresent()) {
      return exists.get();
    }
    try (Lock lock = repo.lock(false)) {
      repo.loadIndex();
      return restorer.restore("latest", db, true, true);
    }
  }

  /**
   * Restores a snapshot ({@code latest}: this host's newest of this database) over the database
   * at {@code db}, verified before it replaces anything.
   */
  public DatabaseRestorer.Result restore(DatabaseKind kind, String snapshot, Path db)
      throws IOException, BulwarkException {
    return restoreFromHost(kind, snapshot, db, options.hostname());
  }

  /**
   * As {@link #restore(DatabaseKind, String, Path)}, with {@code latest} meaning the newest
   * snapshot of this database written by {@code host}, e.g. to move a database from a host that
   * is gone to this one.
   */
  public DatabaseRestorer.Result restoreFromHost(DatabaseKind kind, String snapshot, Path db,
      String host) throws IOException, BulwarkException {
    try (Lock lock = repo.lock(false)) {
      repo.loadIndex();
      return restorer(kind, host).restore(snapshot, db, false, false);
    }
  }

  private DatabaseRestorer restorer(DatabaseKind kind, String host) {
    return new DatabaseRestorer(repo, kind, Workers.defaultThreads(), new Progress())
        .forHost(host);
  }

  /** All snapshots, oldest first. */
  public List<Snapshot> snapshots() throws IOException, BulwarkException {
    return repo.snapshots();
  }

  /** The underlying repository, for everything else. */
  public Repository repository() {
    return repo;
  }

  @Override
  public void close() throws IOException {
    repo.close();
  }
}
