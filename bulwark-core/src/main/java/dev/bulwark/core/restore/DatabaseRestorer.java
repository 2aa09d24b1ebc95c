package dev.bulwark.core.restore;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.Progress;
import dev.bulwark.core.SnapshotNotFoundException;
import dev.bulwark.core.SnapshotRef;
import dev.bulwark.core.fs.AtomicFiles;
import dev.bulwark.core.fs.BackgroundSync;
import dev.bulwark.core.fs.FileTrees;
import dev.bulwark.core.fs.Leftovers;
import dev.bulwark.core.job.CheckpointPolicy;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Host;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.stream.LoadedSegments;
import dev.bulwark.core.stream.PageReplay;
import dev.bulwark.core.stream.ReplayPlan;
import dev.bulwark.core.stream.ReplayPlanner;
import dev.bulwark.core.stream.ReplayTarget;
import dev.bulwark.core.stream.StreamBinding;
import dev.bulwark.core.stream.StreamTags;
import dev.bulwark.core.stream.UnreachablePointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a database so that things never get worse: the snapshot is restored into a staging
 * path beside the target, verified, and only then swapped into place by its {@link
 * DatabaseKind}. Any failure leaves the target as it was and removes the staging copy. For a
 * streamed database of a kind that {@link DatabaseKind#replaysPages() replays pages}, the
 * stream's segments are planned and checked ({@link ReplayPlanner}) before the staging copy is
 * made, and replayed onto it ({@link PageReplay}) before it is verified.
 */
public final class DatabaseRestorer {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseRestorer.class);

  /** What a restore did. */
  public enum Outcome {
    /** A snapshot (and, for a streamed database, its stream) was restored and swapped in. */
    RESTORED,
    /** Nothing was done: a database was already there ({@code IF_DB_NOT_EXISTS}). */
    SKIPPED_DB_EXISTS,
    /** Nothing was done: the repository has no snapshot of it ({@code IF_REPLICA_EXISTS}). */
    SKIPPED_NO_SNAPSHOT
  }

  /** What a restore did, the snapshot it restored and where the previous database was kept. */
  public static final class Result {
    private final Outcome outcome;
    private final @Nullable Snapshot snapshot;
    private final @Nullable Path previous;
    private final @Nullable ReplayPlan replay;
    private final RestoredBytes bytes;
    private final List<Path> files;

    private Result(Outcome outcome, @Nullable Snapshot snapshot, @Nullable Path previous,
        @Nullable ReplayPlan replay) {
      this(outcome, snapshot, previous, replay, new RestoredBytes(0, 0), List.of());
    }

    private Result(Outcome outcome, @Nullable Snapshot snapshot, @Nullable Path previous,
        @Nullable ReplayPlan replay, RestoredBytes bytes, List<Path> files) {
      this.outcome = outcome;
      this.snapshot = snapshot;
      this.previous = previous;
      this.replay = replay;
      this.bytes = bytes;
      this.files = List.copyOf(files);
    }

    Result withBytes(RestoredBytes b) {
      return new Result(outcome, snapshot, previous, replay, b, files);
    }

    Result withFiles(List<Path> restored) {
      return new Result(outcome, snapshot, previous, replay, bytes, restored);
    }

    /**
     * The files of the snapshot besides the database (key files) that were written to their
     * paths; empty if they were not asked for, already identical, or the restore was skipped.
     *
     * @return the paths written, in the snapshot's order
     */
    public List<Path> files() {
      return files;
    }

    /**
     * The snapshot's bytes reused from the database that was at the target (a delta restore)
     * and fetched from the repository; zero if the restore was skipped.
     *
     * @return the bytes reused and the bytes fetched
     */
    public RestoredBytes bytes() {
      return bytes;
    }

    static Result restored(Snapshot snapshot, @Nullable Path previous,
        @Nullable ReplayPlan replay) {
      return new Result(Outcome.RESTORED, snapshot, previous, replay);
    }

    static Result skipped(Outcome why) {
      return new Result(why, null, null, null);
    }

    /**
     * Whether the database was restored, or why nothing was done.
     *
     * @return what the restore did
     */
    public Outcome outcome() {
      return outcome;
    }

    /**
     * The snapshot restored; empty if the restore was skipped.
     *
     * @return the snapshot, when {@link #outcome()} is {@link Outcome#RESTORED}
     */
    public Optional<Snapshot> snapshot() {
      return Optional.ofNullable(snapshot);
    }

    /**
     * Where the database that was at the target was kept; empty if there was none.
     *
     * @return the kept database's path, to compare with or delete
     */
    public Optional<Path> previous() {
      return Optional.ofNullable(previous);
    }

    /**
     * The stream segments replayed onto the snapshot and the point they reached; empty if the
     * database was restored from a snapshot alone (or the restore was skipped).
     *
     * @return the replay plan: the segments and the position they reached
     */
    public Optional<ReplayPlan> replay() {
      return Optional.ofNullable(replay);
    }

    @Override
    public String toString() {
      return outcome + (snapshot == null ? "" : " " + snapshot.id())
          + (replay == null ? "" : " + " + replay.segments().size() + " segments to "
              + replay.reached())
          + (previous == null ? "" : ", previous kept at " + previous);
    }
  }

  private final Repository repo;
  private final DatabaseKind kind;
  private final int threads;
  private final Progress progress;
  private final String host;
  private final CheckpointPolicy checkpoints;

  /**
   * A restorer for which {@code latest} means this host's ({@link Host#name()}) newest.
   *
   * @param repo the open repository; the caller holds its lock (or reads without one on purpose)
   * @param kind how the restored copy is verified and swapped in
   * @param threads how many packs to fetch at once; at least 1
   * @param progress counters the restore updates
   */
  public DatabaseRestorer(Repository repo, DatabaseKind kind, int threads, Progress progress) {
    this(repo, kind, threads, progress, CheckpointPolicy.defaults());
  }

  /**
   * A restorer for which {@code latest} means this host's newest, that checkpoints every
   * {@code checkpoints.every()} packs read and asks {@code checkpoints.yieldSignal()} there
   * whether to stop.
   *
   * @param repo the open repository; the caller holds its lock (or reads without one on purpose)
   * @param kind how the restored copy is verified and swapped in
   * @param threads how many packs to fetch at once; at least 1
   * @param progress counters the restore updates
   * @param checkpoints how often a long restore records where it is, and what asks it to yield
   */
  public DatabaseRestorer(Repository repo, DatabaseKind kind, int threads, Progress progress,
      CheckpointPolicy checkpoints) {
    this(repo, kind, threads, progress, checkpoints, Host.name());
  }

  private DatabaseRestorer(Repository repo, DatabaseKind kind, int threads, Progress progress,
      CheckpointPolicy checkpoints, String host) {
    this.repo = repo;
    this.kind = kind;
    this.threads = threads;
    this.progress = progress;
    this.checkpoints = java.util.Objects.requireNonNull(checkpoints, "checkpoints");
    this.host = java.util.Objects.requireNonNull(host, "host");
  }

  /**
   * The same restorer, for which {@code latest} means the newest snapshot written by {@code
   * hostName} (as recorded in the snapshot) instead of this host's.
   *
   * @param hostName the host name recorded in the snapshots to choose among
   * @return a restorer like this one, choosing among {@code hostName}'s snapshots
   */
  public DatabaseRestorer forHost(String hostName) {
    return new DatabaseRestorer(repo, kind, threads, progress, checkpoints, hostName);
  }

  /**
   * The host whose snapshots {@code latest} means.
   *
   * @return the host name {@code latest} and {@code at} choose by
   */
  public String host() {
    return host;
  }

  /**
   * This host's newest snapshot of the database that was at {@code dbPath}, if any.
   *
   * @param dbPath the database's path, as recorded in its snapshots
   * @return the newest snapshot, or empty if there is none
   * @throws IOException if the repository or the target folder cannot be read or written, or the
   *     restore was interrupted
   * @throws BulwarkException if the restore is refused or fails (no such snapshot, damaged data, a
   *     copy that does not verify); nothing was swapped in then
   */
  public Optional<Snapshot> latestFor(Path dbPath) throws IOException, BulwarkException {
    return new DatabaseSnapshots(dbPath, host).newest(repo.snapshots());
  }

  /**
   * Settles an interrupted earlier swap at {@code target}, then says whether a database is
   * there: what {@link RestoreOption#IF_DB_NOT_EXISTS} asks before any lock is taken, so that
   * a service start with its database in place needs neither a writable nor an unlocked
   * repository.
   *
   * @param target where the database would be restored
   * @return a {@link Outcome#SKIPPED_DB_EXISTS} result if there is a database, else empty
   * @throws IOException if the repository or the target folder cannot be read or written, or the
   *     restore was interrupted
   * @throws BulwarkException if an interrupted swap cannot be settled safely
   */
  public Optional<Result> skipIfDatabaseExists(Path target)
      throws IOException, BulwarkException {
    Path abs = target.toAbsolutePath().normalize();
    // First settle an interrupted earlier swap: "is there a database?" must see its outcome.
    kind.recover(abs);
    if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
      LOG.info("{} exists; nothing to restore", abs);
      return Optional.of(Result.skipped(Outcome.SKIPPED_DB_EXISTS));
    }
    return Optional.empty();
  }

  /**
   * Restores {@code ref} to {@code target}: an id names one snapshot, restored as it is; {@code
   * latest} and {@code at} mean the newest (at or before that time) state of the database at
   * {@code target} recorded by this restorer's {@link #host()}: for a streamed database the
   * newest snapshot at or before it with the stream replayed onto it ({@link
   * #restore(ReplayTarget, Path, Path, RestoreOption...)}), else the newest snapshot. The
   * caller holds a lock on the repository ({@link Repository#lock(boolean)}), or reads it
   * without one on purpose ({@code --no-lock}: for a repository on read-only media or behind
   * read-only credentials, in a disaster recovery; a prune running at the same time could then
   * remove data under it, and the restore would fail, never restore wrong data, since every
   * blob is checked against its id and the result verified).
   *
   * @param ref an id, {@code latest} or a time
   * @param target the database's own path, where the restore puts it
   * @param options how to treat a database or files already there, deltas and a missing snapshot
   * @return what was restored and where the previous database was kept
   * @throws SnapshotNotFoundException if there is no such snapshot (and {@link
   *     RestoreOption#IF_REPLICA_EXISTS} was not given, or an id names none)
   * @throws IOException if the repository or the target folder cannot be read or written, or the
   *     restore was interrupted
   */
  public Result restore(SnapshotRef ref, Path target, RestoreOption... options)
      throws IOException, BulwarkException {
    return restore(ref, target, target, options);
  }

  /**
   * As {@link #restore(SnapshotRef, Path, RestoreOption...)}, for the database that was at
   * {@code database}, put at {@code destination} (another path, e.g. to inspect an old state
   * beside the live database); the options look at {@code destination}.
   *
   * @param ref an id, {@code latest} or a time
   * @param database the database's path as recorded in its snapshots
   * @param destination where to put the restored database
   * @param options how to treat a database or files already there, deltas and a missing snapshot
   * @return what was restored and where a database already at {@code destination} was kept
   * @throws IOException if the repository or the target folder cannot be read or written, or the
   *     restore was interrupted
   * @throws BulwarkException if the restore is refused or fails (no such snapshot, damaged data, a
   *     copy that does not verify); nothing was swapped in then
   */
  public Result restore(SnapshotRef ref, Path database, Path destination,
      RestoreOption... options) throws IOException, BulwarkException {
    if (ref instanceof SnapshotRef.IdPrefix id) {
      return restore(database, destination, options, opts -> Optional.of(new RestorePlan(
          repo.loadSnapshot(repo.findSnapshotId(id.prefix())), null)), null);
    }
    ReplayTarget point = ref instanceof SnapshotRef.At at ? ReplayTarget.at(at.time())
        : ReplayTarget.newest();
    return restore(point, database, destination, options);
  }

  /**
   * Restores the database that was at {@code database}, as it was at {@code point}, to {@code
   * destination} (which may be {@code database} itself). For a streamed database (its snapshots
   * carry stream tags) this is the newest snapshot at or before the point with the segments
   * after it replayed onto the staging copy, each checked against its state checksum, then
   * verified and swapped in as any restore; every segment is loaded and checked before anything
   * is written. A database with no stream is restored from its newest snapshot (at or before
   * the time of an {@link ReplayTarget#at} point).
   *
   * @param point the newest, a time, a transaction or a stream position
   * @param database the database's path as recorded in its snapshots
   * @param destination where to put the restored database; may be {@code database}
   * @param options how to treat a database or files already there, deltas and a missing snapshot
   * @return what was restored, with the replay plan that reached the point
   * @throws dev.bulwark.core.stream.UnreachablePointException if the point is outside what the
   *     stream holds, or a transaction position is asked of a database with no stream
   * @throws dev.bulwark.core.CorruptionException if a segment is missing, damaged or does not
   *     chain (the destination is then untouched)
   * @throws SnapshotNotFoundException if the database has no snapshot (and {@link
   *     RestoreOption#IF_REPLICA_EXISTS} was not given)
   * @throws IOException if the repository or the target folder cannot be read or written, or the
   *     restore was interrupted
   */
  public Result restore(ReplayTarget point, Path database, Path destination,
      RestoreOption... options) throws IOException, BulwarkException {
    Path db = database.toAbsolutePath().normalize();
    // The segments planning loads and checks are kept for the replay, not loaded twice.
    LoadedSegments loaded = new LoadedSegments(LoadedSegments.DEFAULT_BUDGET);
    return restore(db, destination, options, opts -> plan(point, db, opts, loaded), loaded);
  }

  /**
   * What {@link #restore(ReplayTarget, Path, Path, RestoreOption...)} would restore, found and
   * checked (every segment loaded, authenticated and chained) without writing anything.
   *
   * @param point the newest, a time, a transaction or a stream position
   * @param database the database's path as recorded in its snapshots
   * @return the snapshot and the segments a restore would replay
   * @throws SnapshotNotFoundException if the database has no snapshot
   * @throws IOException if the repository or the target folder cannot be read or written, or the
   *     restore was interrupted
   */
  public RestorePlan plan(ReplayTarget point, Path database)
      throws IOException, BulwarkException {
    return plan(point, database.toAbsolutePath().normalize(),
        EnumSet.noneOf(RestoreOption.class), null).orElseThrow();
  }

  /**
   * What {@link #restore(SnapshotRef, Path, Path, RestoreOption...)} would restore: an id's
   * snapshot as it is, else as {@link #plan(ReplayTarget, Path)}.
   *
   * @param ref an id, {@code latest} or a time
   * @param database the database's path as recorded in its snapshots
   * @return the snapshot and the segments a restore would replay
   * @throws IOException if the repository or the target folder cannot be read or written, or the
   *     restore was interrupted
   * @throws BulwarkException if the restore is refused or fails (no such snapshot, damaged data, a
   *     copy that does not verify); nothing was swapped in then
   */
  public RestorePlan plan(SnapshotRef ref, Path database) throws IOException, BulwarkException {
    if (ref instanceof SnapshotRef.IdPrefix id) {
      return new RestorePlan(repo.loadSnapshot(repo.findSnapshotId(id.prefix())), null);
    }
    return plan(ref instanceof SnapshotRef.At at ? ReplayTarget.at(at.time())
        : ReplayTarget.newest(), database);
  }

  /**
   * The files {@code snap} carries besides its databases (key files), each as a restore to the
   * database's own path would find it at its path now; what {@code --dry-run} lists. Reads
   * the existing files and the snapshot's trees, fetches no file content.
   *
   * @param snap the snapshot
   * @return the files as they are now at their paths: missing, identical or different
   * @throws IOException if the repository or the target folder cannot be read or written, or the
   *     restore was interrupted
   * @throws BulwarkException if the restore is refused or fails (no such snapshot, damaged data, a
   *     copy that does not verify); nothing was swapped in then
   */
  public List<TravellingFile> travellingFiles(Snapshot snap)
      throws IOException, BulwarkException {
    return new TravellingFiles(restorer(false), snap).plan(repo);
  }

  /** How the snapshot (and stream) to restore are found; empty: skip, nothing to restore. */
  private interface Planning {
    Optional<RestorePlan> plan(Set<RestoreOption> options) throws IOException, BulwarkException;
  }

  private Result restore(Path database, Path destination, RestoreOption[] options,
      Planning planning, @Nullable LoadedSegments loaded)
      throws IOException, BulwarkException {
    Set<RestoreOption> opts = options.length == 0 ? EnumSet.noneOf(RestoreOption.class)
        : EnumSet.copyOf(Arrays.asList(options));
    Path abs = destination.toAbsolutePath().normalize();
    if (opts.contains(RestoreOption.IF_DB_NOT_EXISTS)) {
      Optional<Result> skipped = skipIfDatabaseExists(abs);
      if (skipped.isPresent()) {
        return skipped.get();
      }
    } else {
      // Settle an interrupted earlier swap before restoring over its target.
      kind.recover(abs);
    }
    long start = System.nanoTime();
    Optional<RestorePlan> plan = planning.plan(opts);
    LOG.debug("restore planned in {} s (snapshots listed, segments loaded and checked)",
        seconds(System.nanoTime() - start));
    if (plan.isEmpty()) {
      return Result.skipped(Outcome.SKIPPED_NO_SNAPSHOT);
    }
    // The files beside the database go back to their own paths: only with the database at its
    // own path, never beside a copy put elsewhere.
    boolean files = !opts.contains(RestoreOption.NO_FILES)
        && abs.equals(database.toAbsolutePath().normalize());
    return restoreSnapshot(plan.get().snapshot(), plan.get().replay().orElse(null),
        database.toAbsolutePath().normalize(), abs, loaded,
        !opts.contains(RestoreOption.NO_DELTA), files,
        opts.contains(RestoreOption.OVERWRITE_FILES));
  }

  private Optional<RestorePlan> plan(ReplayTarget point, Path database,
      Set<RestoreOption> opts, @Nullable LoadedSegments keep)
      throws IOException, BulwarkException {
    DatabaseSnapshots mine = new DatabaseSnapshots(database, host);
    List<Snapshot> all = repo.snapshots();
    Optional<Snapshot> newest = mine.newest(all);
    if (kind.replaysPages()) {
      Optional<ReplayPlan> replay = new ReplayPlanner(repo, keep).plan(mine.of(all), point);
      if (replay.isPresent()) {
        ReplayPlan r = replay.get();
        Snapshot last = newest.orElseThrow();
        if (point instanceof ReplayTarget.Newest && !isStreamed(last)
            && last.time().isAfter(r.reachedTime())) {
          // A snapshot taken outside the stream after its last shipped commit is newer.
          LOG.info("snapshot {} is newer than the stream's last point {}; restoring it",
              last.id().shortForm(), r.reached());
          return Optional.of(new RestorePlan(last, null));
        }
        return Optional.of(new RestorePlan(r.snapshot(), r));
      }
    }
    if (point instanceof ReplayTarget.Txid || point instanceof ReplayTarget.Position) {
      throw new UnreachablePointException("the repository has no stream of " + database
          + " from host " + host + ", so there is no " + point + " to restore to");
    }
    Instant notAfter = point instanceof ReplayTarget.At at ? at.time() : Instant.MAX;
    Optional<Snapshot> chosen = mine.newestWithGroupsAtOrBefore(all, notAfter);
    if (chosen.isEmpty()) {
      String none = mine.noneMessage(all, notAfter);
      if (opts.contains(RestoreOption.IF_REPLICA_EXISTS)) {
        // Another host's copy of the same path is not this database: never restore it
        // unasked.
        LOG.info("{}; nothing to restore", none);
        return Optional.empty();
      }
      throw new SnapshotNotFoundException(none);
    }
    return Optional.of(new RestorePlan(chosen.get(), null));
  }

  /**
   * The database of {@code snap} to restore: the one of a single-database snapshot (whatever
   * its path: an id may be restored anywhere), or the member at {@code database} of a group.
   */
  private static DatabaseTags databaseIn(Snapshot snap, Path database) throws BulwarkException {
    Optional<DatabaseTags> single = DatabaseTags.fromTags(snap.tags());
    if (single.isPresent()) {
      return single.get();
    }
    List<DatabaseTags> members = DatabaseTags.members(snap.tags());
    if (members.isEmpty()) {
      throw new BulwarkException("snapshot " + snap.id().shortForm() + " is not a database "
          + "snapshot (use `bulwark restore --target DIR` for files)");
    }
    return DatabaseTags.member(snap.tags(), database.toString()).orElseThrow(() ->
        new BulwarkException("snapshot " + snap.id().shortForm() + " is a group snapshot of "
            + String.join(", ", members.stream().map(DatabaseTags::path).toList())
            + "; name one of them with --db or --rocksdb"));
  }

  private static boolean isStreamed(Snapshot s) {
    return DatabaseTags.fromTags(s.tags()).flatMap(StreamTags::of).isPresent();
  }

  private Result restoreSnapshot(Snapshot snap, @Nullable ReplayPlan replay, Path database,
      Path target, @Nullable LoadedSegments loaded, boolean delta, boolean files,
      boolean overwriteFiles) throws IOException, BulwarkException {
    DatabaseTags db = databaseIn(snap, database);
    List<TravellingFiles.Staged> stagedFiles = List.of();
    try (StagedDatabase staged = stage(snap, db, replay, target, loaded, delta)) {
      if (files) {
        // Staged, and a differing key file refused, before anything takes a target's name.
        stagedFiles = new TravellingFiles(restorer(delta), snap).stage(overwriteFiles);
      }
      long swap = System.nanoTime();
      Path previous = swapIn(staged);
      List<Path> placed = TravellingFiles.putInPlace(stagedFiles, Instant.now(),
          "the database " + target + (previous == null ? ""
              : " (the previous one kept at " + previous + ")"));
      stagedFiles = List.of();
      LOG.debug("restore swap {} s", seconds(System.nanoTime() - swap));
      LOG.info("restored {} from snapshot {}{}{} ({} bytes reused from the target, {} fetched)",
          target, snap.id().shortForm(),
          replay == null ? "" : " + " + replay.segments().size() + " segments to "
              + replay.reached(),
          previous == null ? "" : "; previous database kept at " + previous,
          staged.bytes().reused(), staged.bytes().fetched());
      return Result.restored(snap, previous, replay).withBytes(staged.bytes())
          .withFiles(placed);
    } finally {
      TravellingFiles.discard(stagedFiles);
    }
  }

  private Restorer restorer(boolean delta) {
    return new Restorer(repo, threads, progress, checkpoints).delta(delta);
  }

  /**
   * Restores database {@code db} of {@code snap} into a staging path beside {@code target},
   * replays {@code replay} onto it, verifies it and waits until it is durable; the target is
   * not touched. The caller closes the result, which deletes the staging copy unless it was
   * {@link #swapIn swapped in}.
   */
  StagedDatabase stage(Snapshot snap, DatabaseTags db, @Nullable ReplayPlan replay, Path target,
      @Nullable LoadedSegments loaded, boolean delta) throws IOException, BulwarkException {
    if (!db.kind().equals(kind.name())) {
      throw new BulwarkException("snapshot " + snap.id().shortForm() + " is a " + db.kind()
          + " snapshot, not " + kind.name());
    }
    kind.checkNotInUse(target);
    AtomicFiles.createDirectories(target.getParent());
    // The pid in the name tells a later restore whether this staging copy is abandoned.
    String prefix = "." + AtomicFiles.siblingBase(target, 64) + ".bulwark-staging-";
    removeAbandonedStaging(target.getParent(), prefix);
    Path staging = AtomicFiles.tempSibling(target.resolveSibling(Leftovers.ownName(prefix)));
    boolean done = false;
    try {
      long start = System.nanoTime();
      StagedPageChecksum pages = replay != null && replay.pageSize() > 0
          ? new StagedPageChecksum(replay.pageSize()) : null;
      Restorer restorer = restorer(delta);
      restorer.restoreStaging(snap, db.path(), staging,
          pages != null ? pages : WrittenBlobs.NONE, target);
      refuseAnythingButFilesAndFolders(snap, staging);
      long fetched = System.nanoTime();
      long replayed;
      long verified;
      // The copy goes to disk while it is replayed and verified from the page cache; the
      // swap waits for both, so it is durable, and verified, before it takes the target's name.
      try (BackgroundSync sync = BackgroundSync.start(staging)) {
        if (replay != null) {
          new PageReplay(repo, progress).applyUnsynced(replay, staging,
              pages != null ? pages.checksum() : Optional.empty(),
              loaded != null ? loaded : new LoadedSegments(0));
          sync.syncAgain();
        }
        replayed = System.nanoTime();
        kind.verify(staging);
        verified = System.nanoTime();
        sync.await();
      }
      LOG.debug("restore phases, s: fetch {}, replay {}, verify {}, then fsync {}",
          seconds(fetched - start), seconds(replayed - fetched), seconds(verified - replayed),
          seconds(System.nanoTime() - verified));
      StagedDatabase staged = new StagedDatabase(kind, snap, staging, target, replay,
          restorer.restoredBytes());
      done = true;
      return staged;
    } finally {
      if (!done) {
        FileTrees.deleteRecursively(staging);
      }
    }
  }

  /**
   * Swaps a staged database in, once more refusing a target that another process opened in
   * the meantime, and binds a replayed copy to its stream.
   *
   * @return where the database that was at the target was kept, or null if there was none
   */
  @Nullable Path swapIn(StagedDatabase staged) throws IOException, BulwarkException {
    Path target = staged.target();
    staged.kind().checkNotInUse(target);
    Path previous = staged.kind().swap(staged.staging(), target);
    ReplayPlan replay = staged.replay();
    if (replay != null) {
      // The restored database belongs to this stream: a replicator started on it checks so.
      new StreamBinding(repo.config().id(), replay.start().databaseId(),
          replay.reached().generation()).write(target);
    }
    return previous;
  }

  /**
   * A database is regular files in folders. A snapshot that holds anything else there (a
   * symbolic link, a device) is refused before the database is opened: opening it would follow
   * the link out of the staging copy, to whatever file it names on this machine.
   */
  private static void refuseAnythingButFilesAndFolders(Snapshot snap, Path staging)
      throws IOException, BulwarkException {
    try (var s = Files.walk(staging)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        var a = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class,
            LinkOption.NOFOLLOW_LINKS);
        if (!a.isRegularFile() && !a.isDirectory()) {
          throw new BulwarkException("snapshot " + snap.id().shortForm() + " is refused: its "
              + "database holds " + (a.isSymbolicLink() ? "a symbolic link" : "a special file")
              + " (" + staging.relativize(p) + "), and a database holds only files and "
              + "folders");
        }
      }
    }
  }

  private static String seconds(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.3f", nanos / 1e9);
  }

  /** Deletes staging copies left by restores whose process is gone (killed, crashed). */
  private static void removeAbandonedStaging(Path parent, String prefix) throws IOException {
    for (Path p : Leftovers.abandoned(parent, prefix)) {
      LOG.info("deleting {}, left by a restore that did not finish", p);
      FileTrees.deleteRecursively(p);
    }
  }

}
