package dev.bulwark.core.api;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.NotReplicableException;
import dev.bulwark.core.Progress;
import dev.bulwark.core.SnapshotNotFoundException;
import dev.bulwark.core.SnapshotRef;
import dev.bulwark.core.backup.Archiver;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.backup.Source;
import dev.bulwark.core.check.CheckResult;
import dev.bulwark.core.check.Checker;
import dev.bulwark.core.concurrent.Workers;
import dev.bulwark.core.prune.PruneOptions;
import dev.bulwark.core.prune.PruneResult;
import dev.bulwark.core.prune.Pruner;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.restore.DatabaseRestorer;
import dev.bulwark.core.restore.DatabaseSnapshots;
import dev.bulwark.core.restore.GroupRestorer;
import dev.bulwark.core.restore.RestoreOption;
import dev.bulwark.core.retention.ForgetPlan;
import dev.bulwark.core.retention.Forgetter;
import dev.bulwark.core.retention.GroupBy;
import dev.bulwark.core.retention.Retention;
import dev.bulwark.core.retention.RetentionPolicy;
import dev.bulwark.core.stream.ReplayTarget;
import dev.bulwark.core.stream.Replicable;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import dev.bulwark.core.stream.StartupPolicy;
import dev.bulwark.core.stream.StartupRefusedException;
import dev.bulwark.core.stream.StartupReport;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An open repository for an embedding service: back up, restore, list, check, forget and
 * prune, without the CLI.
 *
 * <p><b>Threads.</b> Thread-safe: calls from several threads run one at a time, so an RPC "back
 * up now" arriving during a scheduled backup waits for it rather than racing it.
 *
 * <p><b>Other processes.</b> Every call reads the repository as it is now: snapshots, and the
 * index before a backup or a restore, so a long-lived instance sees what another process (a
 * CLI, another host) wrote since it was opened. Backups and restores take a shared repository
 * lock, forget and prune an exclusive one; a conflicting lock held elsewhere fails the call with
 * {@link dev.bulwark.core.RepositoryLockedException}.
 *
 * <p><b>Cancellation.</b> Interrupt the calling thread: the call stops at its next safe point
 * and throws {@link InterruptedIOException}, with the thread's interrupt flag set. A backup then
 * writes no snapshot (what it stored already is left for a prune); a restore leaves the database
 * at the target as it was. The repository stays valid wherever a call stops.
 *
 * <p><b>Progress.</b> Every call updates the {@link Progress} given to {@link
 * Bulwark#progress(Progress)}: bytes and items done out of an expected total, readable from any
 * thread at any time, and pushed to its {@link Progress.Listener} if it has one.
 */
public final class BulwarkRepository implements AutoCloseable {
  private static final GroupBy BY_HOST = new GroupBy(EnumSet.of(GroupBy.Field.HOST));
  private final Repository repo;
  private final BackupOptions options;
  private final Progress progress;

  BulwarkRepository(Repository repo, BackupOptions options, Progress progress) {
    this.repo = repo;
    this.options = options;
    this.progress = progress;
  }

  /**
   * Backs up the sources (e.g. a {@link Database} and its key files) into one new snapshot,
   * while the service keeps running.
   *
   * @param sources what to back up, each read once; at least one
   * @return the saved snapshot
   * @throws dev.bulwark.core.IncompleteBackupException if some files could not be read (the
   *     snapshot was saved without them)
   * @throws IOException if the repository cannot be read or written (storage or network failure),
   *     or the call was interrupted
   */
  public synchronized Snapshot backup(Source... sources) throws IOException, BulwarkException {
    return backup(List.of(sources), null);
  }

  /**
   * Backs up several databases of one service (say its SQLite database and its RocksDB
   * database) and the files that travel with them (key files, recorded owner-only) into one
   * group snapshot named {@code name}, while the service keeps running. Every database is
   * opened (checkpointed, or copied under a read transaction) before any is read, so they are
   * taken as close to one moment as their engines allow. Each database is recorded as a
   * numbered member of the snapshot ({@code bulwark:1.kind=sqlite}, {@code bulwark:1.db=...},
   * in list order) with the group's name ({@code bulwark:group=NAME}).
   *
   * @param name the group's name: letters, digits, {@code . _ -}
   * @param databases the members, in order; at least one, each path once
   * @param files files that travel with the databases, possibly none
   * @return the saved snapshot
   * @throws IllegalArgumentException if the name is invalid, there is no database, or one
   *     database path is given twice
   * @throws dev.bulwark.core.IncompleteBackupException if some files could not be read (the
   *     snapshot was saved without them)
   * @throws IOException if the repository cannot be read or written (storage or network failure),
   *     or the call was interrupted
   */
  public synchronized Snapshot backupGroup(String name, List<? extends Database> databases,
      List<Path> files) throws IOException, BulwarkException {
    dev.bulwark.core.repo.DatabaseTags.groupTag(name);
    if (databases.isEmpty()) {
      throw new IllegalArgumentException("group " + name + " has no database to back up");
    }
    java.util.Set<Path> seen = new java.util.HashSet<>();
    List<Source> sources = new java.util.ArrayList<>();
    for (Database db : databases) {
      if (!seen.add(db.path().toAbsolutePath().normalize())) {
        throw new IllegalArgumentException("group " + name + " names the database " + db.path()
            + " twice");
      }
      sources.add(db);
    }
    if (!files.isEmpty()) {
      sources.add(dev.bulwark.core.backup.FileSource.of(files).ownerOnly());
    }
    return backup(sources, name);
  }

  /** One snapshot of {@code sources}, a group snapshot named {@code group} unless null. */
  private Snapshot backup(List<? extends Source> sources, @Nullable String group)
      throws IOException, BulwarkException {
    return cancellable(() -> {
      try (Lock lock = repo.lock(false)) {
        Snapshot saved = new Archiver(repo, options, progress).backup(lock, sources, group)
            .snapshot();
        lock.releaseAfterSuccess();
        return saved;
      }
    });
  }

  /**
   * At start-up: restores this host's newest snapshot of {@code db} if, and only if, there is no
   * database there and the repository has such a snapshot. "This host" is the host name backups
   * are recorded under ({@link BackupOptions#hostname()}, by default the machine's), so a
   * repository shared by several hosts never brings back another host's copy. The files
   * backed up with the database (key files) come back to their paths too, as with {@link
   * #restore(Database, SnapshotRef, RestoreOption...)}.
   *
   * @param db the database the service is about to open
   * @return what was done: restored (with the snapshot and the files brought back), or nothing
   *     because the database exists or the repository has no snapshot of it
   * @throws IOException if the repository cannot be read or written (storage or network failure),
   *     or the call was interrupted
   * @throws BulwarkException if the repository refuses the call (locked, damaged, wrong format);
   *     the message says why
   */
  public DatabaseRestorer.Result restoreIfMissing(Database db)
      throws IOException, BulwarkException {
    return restore(db, SnapshotRef.latest(), RestoreOption.IF_DB_NOT_EXISTS,
        RestoreOption.IF_REPLICA_EXISTS);
  }

  /**
   * Restores a snapshot over the database, verified before it replaces anything; the database
   * that was there is kept beside it ({@link DatabaseRestorer.Result#previous()}). The
   * snapshot's other files (key files backed up with it) are restored to their paths, each
   * owner-only as recorded; an existing one that differs stops the restore before anything is
   * replaced, unless {@link RestoreOption#OVERWRITE_FILES}; {@link RestoreOption#NO_FILES}
   * restores the database alone ({@link DatabaseRestorer.Result#files()}). {@link
   * SnapshotRef#latest()} and {@link SnapshotRef#at} choose among this host's snapshots of
   * {@code db}; for a streamed database they replay its stream onto the snapshot, to the newest
   * shipped transaction or to that time ({@link #restore(Database, ReplayTarget,
   * RestoreOption...)}). An id restores that snapshot as it is.
   *
   * @param db the database to restore, at its own path
   * @param ref which snapshot: {@code latest()}, {@code at(time)} or an id
   * @param options how to treat existing files, deltas and a missing replica
   * @return what was restored, where the previous database was kept, and the files brought back
   * @throws SnapshotNotFoundException if there is no such snapshot (unless {@link
   *     RestoreOption#IF_REPLICA_EXISTS} is given and {@code ref} is not an id)
   * @throws IOException if the repository cannot be read or written (storage or network failure),
   *     or the call was interrupted
   */
  public DatabaseRestorer.Result restore(Database db, SnapshotRef ref, RestoreOption... options)
      throws IOException, BulwarkException {
    return restoreFromHost(db, ref, this.options.hostname(), options);
  }

  /**
   * As {@link #restore(Database, SnapshotRef, RestoreOption...)}, choosing among the snapshots
   * written by {@code host}, e.g. to move a database from a host that is gone to this one.
   *
   * @param db the database to restore, at its own path
   * @param ref which snapshot: {@code latest()}, {@code at(time)} or an id
   * @param host the host name the snapshots were recorded under
   * @param options how to treat existing files, deltas and a missing replica
   * @return what was restored, where the previous database was kept, and the files brought back
   * @throws IOException if the repository cannot be read or written (storage or network failure),
   *     or the call was interrupted
   * @throws BulwarkException if the repository refuses the call (locked, damaged, wrong format);
   *     the message says why
   */
  public synchronized DatabaseRestorer.Result restoreFromHost(Database db, SnapshotRef ref,
      String host, RestoreOption... options) throws IOException, BulwarkException {
    return restore(db, db.path(), host, options, r -> r.restore(ref, db.path(), options));
  }

  /**
   * Restores {@code db} as it was at {@code point}, in place, verified before it replaces
   * anything. For a streamed database (one whose snapshots carry stream tags, written while
   * it was replicated) this is the newest snapshot at or before the point with the stream's
   * segments replayed onto it, up to the last segment boundary at or before the point; every
   * segment is loaded and checked before anything is written, and each one's pages must give
   * the database state its checksum names. A database with no stream is restored from its
   * newest snapshot (at or before the time of a {@link ReplayTarget#at} point). {@link
   * SnapshotRef#latest()} and {@link SnapshotRef#at} in {@link #restore(Database, SnapshotRef,
   * RestoreOption...)} mean {@link ReplayTarget#newest()} and {@link ReplayTarget#at} here.
   *
   * @param db the database to restore, at its own path
   * @param point the moment to restore to: the newest, a time, a transaction or a stream position
   * @param options how to treat existing files, deltas and a missing replica
   * @return what was restored, with the replay plan that brought it to the point
   * @throws dev.bulwark.core.stream.UnreachablePointException if the point is outside what
   *     the stream holds (the message names the nearest restorable point)
   * @throws dev.bulwark.core.CorruptionException if a segment needed is missing, damaged or
   *     does not chain; the database is then untouched
   * @throws IOException if the repository cannot be read or written (storage or network failure),
   *     or the call was interrupted
   */
  public DatabaseRestorer.Result restore(Database db, ReplayTarget point,
      RestoreOption... options) throws IOException, BulwarkException {
    return restore(db, point, db.path(), options);
  }

  /**
   * As {@link #restore(Database, ReplayTarget, RestoreOption...)}, into {@code output} instead
   * of the database's own path (e.g. to look at a past state beside the live database), with the
   * same verification and atomic swap; a file already at {@code output} is kept beside it, as a
   * database at its own path would be.
   *
   * @param db the database whose snapshots and stream to restore from
   * @param point the moment to restore to: the newest, a time, a transaction or a stream position
   * @param output where to write the restored database instead of {@code db}'s path
   * @param options how to treat existing files, deltas and a missing replica
   * @return what was restored, with the replay plan that brought it to the point
   * @throws IOException if the repository cannot be read or written (storage or network failure),
   *     or the call was interrupted
   * @throws BulwarkException if the repository refuses the call (locked, damaged, wrong format);
   *     the message says why
   */
  public synchronized DatabaseRestorer.Result restore(Database db, ReplayTarget point,
      Path output, RestoreOption... options) throws IOException, BulwarkException {
    return restore(db, output, this.options.hostname(), options,
        r -> r.restore(point, db.path(), output, options));
  }

  /**
   * Restores every database of a group snapshot ({@link #backupGroup}) to its own path, and the
   * files backed up with them: each database is restored into a staging copy and verified, the
   * files are staged, and only when all of that succeeded is anything swapped in, so a damaged
   * member leaves every database as it was. {@link SnapshotRef#latest()} and {@link
   * SnapshotRef#at} mean this host's newest snapshot of group {@code name} (at or before that
   * time); an id restores that snapshot. {@link RestoreOption#NO_DELTA}, {@link
   * RestoreOption#NO_FILES} and {@link RestoreOption#OVERWRITE_FILES} apply as to one database.
   *
   * @param databases the group's databases, as given to {@link #backupGroup}: they tell how
   *     each kind of database is verified and swapped in
   * @param name the group's name, as given to {@link #backupGroup}
   * @param ref which snapshot: {@code latest()}, {@code at(time)} or an id
   * @param options how to treat existing files and deltas
   * @return each member's outcome and the files brought back
   * @throws BulwarkException if a member cannot be restored or verified, or a file differs
   *     (nothing changed then); if a swap fails, the message names the databases swapped in
   * @throws IOException if the repository cannot be read or written (storage or network failure),
   *     or the call was interrupted
   */
  public synchronized GroupRestorer.Result restoreGroup(String name,
      List<? extends Database> databases, SnapshotRef ref, RestoreOption... options)
      throws IOException, BulwarkException {
    dev.bulwark.core.repo.DatabaseTags.groupTag(name);
    GroupRestorer restorer = new GroupRestorer(repo,
        databases.stream().map(Database::kind).toList(), Workers.defaultThreads(), progress,
        dev.bulwark.core.job.CheckpointPolicy.defaults()).forHost(this.options.hostname());
    return cancellable(() -> {
      try (Lock lock = repo.lock(false)) {
        repo.loadIndex();
        return restorer.restore(restorer.find(ref, name), options);
      }
    });
  }

  /** One restore by {@code restorer}. */
  private interface RestoreCall {
    DatabaseRestorer.Result run(DatabaseRestorer restorer) throws IOException, BulwarkException;
  }

  private DatabaseRestorer.Result restore(Database db, Path destination, String host,
      RestoreOption[] options, RestoreCall call) throws IOException, BulwarkException {
    DatabaseRestorer restorer =
        new DatabaseRestorer(repo, db.kind(), Workers.defaultThreads(), progress).forHost(host);
    if (List.of(options).contains(RestoreOption.IF_DB_NOT_EXISTS)) {
      // Asked before any lock, so a start-up with its database in place needs neither a
      // writable nor an unlocked repository.
      Optional<DatabaseRestorer.Result> exists = restorer.skipIfDatabaseExists(destination);
      if (exists.isPresent()) {
        return exists.get();
      }
    }
    return cancellable(() -> {
      try (Lock lock = repo.lock(false)) {
        // Under the lock: a pack another process wrote since this instance loaded the index
        // would be unknown, and one a prune removed before the lock would still be named.
        repo.loadIndex();
        return call.run(restorer);
      }
    });
  }

  /**
   * Starts streaming every committed transaction of {@code source} into this repository, e.g.
   * {@code repo.replicate(SqliteSource.of(db), ReplicationOptions.defaults())} beside the
   * service's own connections. Resumes the stream the database was replicating to, or starts a
   * new generation with a snapshot; returns once shipping runs in the background. The returned
   * {@link Replicator} tells the live lag and the last shipped position, waits until what was
   * committed is durable ({@link Replicator#awaitDurable}), and on {@link Replicator#close()}
   * ships what is pending and stops. It stays usable after this repository is closed only
   * until then: close the replicator first.
   *
   * <p>A {@link Database} streams if its source does ({@code SqliteDatabase.at(db)} as well as
   * {@code SqliteSource.of(db)}). Other calls on this repository wait while the replication
   * starts (its first snapshot), not while it runs.
   *
   * @param source the database to stream, e.g. {@code SqliteSource.of(db)}
   * @param options sync interval, compaction, lease and the other stream settings
   * @return the running replicator; close it to ship what is pending and stop
   * @throws NotReplicableException if {@code source} cannot stream (a RocksDB database, plain
   *     files); back it up with {@link #backup} instead
   * @throws BulwarkException if the database cannot be replicated (not in WAL mode, missing) or
   *     the repository refuses the first snapshot
   * @throws IOException if the repository cannot be read or written (storage or network failure),
   *     or the call was interrupted
   */
  public synchronized Replicator replicate(Source source, ReplicationOptions options)
      throws IOException, BulwarkException {
    Source inner = source instanceof AbstractDatabase db && !(source instanceof Replicable)
        ? db.source() : source;
    if (!(inner instanceof Replicable replicable)) {
      throw new NotReplicableException("cannot stream " + source + ": only a SQLite database "
          + "streams its transactions; back this one up with scheduled snapshots instead");
    }
    return cancellable(() -> replicable.replicate(repo, options));
  }

  /**
   * Checks, at the service's start-up and before it opens its database, that the database
   * belongs to this repository and continues its stream here: at the stream's head, or the
   * head plus transactions still in its WAL (which {@link #replicate} then ships). A database
   * behind its stream (an older copy), at a state the stream cannot place, or bound to another
   * repository or stream is refused unless {@code policy} accepts it; see docs/design.md
   * ("Start-up check and binding"). Writes the database's binding file when it passes.
   *
   * @param source the database the service is about to open
   * @param options the stream settings the replication will use (its database id and state folder)
   * @param policy which otherwise refused states the service accepts (e.g. an older copy)
   * @return the position found and whether it continues the stream, for the service's logs
   * @throws StartupRefusedException one line naming both positions and how to resolve it
   * @throws NotReplicableException if {@code source} cannot stream
   * @throws IOException if the repository cannot be read or written (storage or network failure),
   *     or the call was interrupted
   */
  public synchronized StartupReport startupCheck(Source source, ReplicationOptions options,
      StartupPolicy policy) throws IOException, BulwarkException {
    Source inner = source instanceof AbstractDatabase db && !(source instanceof Replicable)
        ? db.source() : source;
    if (!(inner instanceof Replicable replicable)) {
      throw new NotReplicableException("cannot check " + source + " against a stream: only a"
          + " SQLite database streams its transactions");
    }
    return cancellable(() -> replicable.startupCheck(repo, options, policy));
  }

  /**
   * All snapshots, oldest first.
   *
   * @return every snapshot in the repository, of every host and database
   * @throws IOException if the repository cannot be read or written (storage or network failure),
   *     or the call was interrupted
   * @throws BulwarkException if the repository refuses the call (locked, damaged, wrong format);
   *     the message says why
   */
  public synchronized List<Snapshot> snapshots() throws IOException, BulwarkException {
    return repo.snapshots();
  }

  /**
   * This host's snapshots of {@code db}, oldest first.
   *
   * @param db the database whose snapshots to list
   * @return this host's snapshots of {@code db}; empty if there are none
   * @throws IOException if the repository cannot be read or written (storage or network failure),
   *     or the call was interrupted
   * @throws BulwarkException if the repository refuses the call (locked, damaged, wrong format);
   *     the message says why
   */
  public synchronized List<Snapshot> snapshots(Database db) throws IOException, BulwarkException {
    return new DatabaseSnapshots(db.path(), options.hostname()).of(repo.snapshots());
  }

  /**
   * Verifies the repository as {@code bulwark check} does.
   *
   * @param depth how much to read: the structure only, or also every pack's data
   * @return what was found; {@link CheckResult#ok()} is false if anything is damaged or missing
   * @throws IOException if the repository cannot be read or written (storage or network failure),
   *     or the call was interrupted
   * @throws BulwarkException if the repository refuses the call (locked, damaged, wrong format);
   *     the message says why
   */
  public synchronized CheckResult check(CheckDepth depth) throws IOException, BulwarkException {
    return cancellable(() -> {
      try (Lock lock = repo.lock(false)) {
        return new Checker(repo, Workers.defaultThreads(), progress)
            .check(depth == CheckDepth.READ_DATA);
      }
    });
  }

  /**
   * Applies a retention policy to this host's snapshots of {@code db}, as the daemon does after
   * each backup: grouped by host only, under an exclusive lock. Only snapshot files go; the data
   * stays until {@link #prune}.
   *
   * @param db the database whose snapshots to thin out
   * @param policy how many snapshots to keep per hour, day, week and so on
   * @return which snapshots were removed and why the others were kept
   * @throws IOException if the repository cannot be read or written (storage or network failure),
   *     or the call was interrupted
   * @throws BulwarkException if the repository refuses the call (locked, damaged, wrong format);
   *     the message says why
   */
  public synchronized ForgetPlan forget(Database db, RetentionPolicy policy)
      throws IOException, BulwarkException {
    if (policy.isEmpty()) {
      throw new IllegalArgumentException("an empty policy would keep nothing; give a rule");
    }
    return cancellable(() -> {
      try (Lock lock = repo.lock(true)) {
        List<Snapshot> mine = new DatabaseSnapshots(db.path(), options.hostname())
            .of(repo.snapshots());
        ForgetPlan plan = Retention.plan(mine, policy, BY_HOST, options.clock().instant());
        Forgetter.remove(repo, lock, plan.removed(), s -> { });
        return plan;
      }
    });
  }

  /**
   * Removes data no snapshot needs, as {@code bulwark prune} does, under an exclusive lock:
   * unused packs, and stream segments no remaining snapshot can replay or that {@link
   * PruneOptions#streamRetention()} no longer keeps.
   *
   * @param pruneOptions how much unused data to tolerate, and how long to keep stream segments
   * @return how many packs and bytes were removed, kept or repacked
   * @throws IOException if the repository cannot be read or written (storage or network failure),
   *     or the call was interrupted
   * @throws BulwarkException if the repository refuses the call (locked, damaged, wrong format);
   *     the message says why
   */
  public synchronized PruneResult prune(PruneOptions pruneOptions)
      throws IOException, BulwarkException {
    return cancellable(() -> {
      try (Lock lock = repo.lock(true)) {
        return new Pruner(repo, lock, pruneOptions, progress).run();
      }
    });
  }

  @Override
  public void close() throws IOException {
    repo.close();
  }

  /** One call on the repository. */
  private interface Call<T> {
    T run() throws IOException, BulwarkException;
  }

  /**
   * Runs {@code call}, turning every way an interrupt surfaces (a closed channel, a failed lock,
   * an interrupted wait) into the one {@link InterruptedIOException} the class promises, with
   * the thread's interrupt flag set again.
   */
  private static <T> T cancellable(Call<T> call) throws IOException, BulwarkException {
    try {
      return call.run();
    } catch (IOException | BulwarkException e) {
      if (!Thread.currentThread().isInterrupted() && !causedByInterrupt(e)) {
        throw e;
      }
      Thread.currentThread().interrupt();
      if (e instanceof InterruptedIOException i) {
        throw i;
      }
      InterruptedIOException i = new InterruptedIOException("interrupted: " + e.getMessage());
      i.initCause(e);
      throw i;
    }
  }

  private static boolean causedByInterrupt(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InterruptedIOException || t instanceof ClosedByInterruptException
          || t instanceof InterruptedException) {
        return true;
      }
    }
    return false;
  }
}
