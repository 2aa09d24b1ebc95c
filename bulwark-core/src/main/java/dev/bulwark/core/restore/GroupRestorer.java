package dev.bulwark.core.restore;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.Progress;
import dev.bulwark.core.SnapshotNotFoundException;
import dev.bulwark.core.SnapshotRef;
import dev.bulwark.core.job.CheckpointPolicy;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Host;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores every database of a snapshot, a group's (a SQLite database, a RocksDB database and
 * their key files taken at one moment) or a single database's, each to its own path: every
 * member is first restored into a staging copy and verified, the key files are staged, and only
 * when all of that succeeded is anything swapped in. A damaged member thus leaves every target
 * as it was.
 *
 * <p>The swaps themselves are one after the other: a crash or a failure between two of them
 * leaves the first members restored and the rest as they were (each swap is atomic, each
 * replaced database kept beside it). The error then names what was swapped in; restoring the
 * same snapshot again finishes the job, reusing what already matches.
 */
public final class GroupRestorer {
  private static final Logger LOG = LoggerFactory.getLogger(GroupRestorer.class);

  /**
   * One database restored.
   *
   * @param database its kind and path, as the snapshot records them
   * @param previous where the database that was at its path was kept, or null if there was none
   * @param bytes the bytes reused from that database and fetched from the repository
   */
  public record Member(DatabaseTags database, @Nullable Path previous, RestoredBytes bytes) {}

  /**
   * What a restore did.
   *
   * @param snapshot the snapshot restored
   * @param members its databases, in the snapshot's member order
   * @param files the key files written to their paths (none if not asked for or identical)
   */
  public record Result(Snapshot snapshot, List<Member> members, List<Path> files) {
    /**
     * Copies the lists, so the result cannot change under its reader.
     *
     * @param snapshot the snapshot restored
     * @param members its databases, in the snapshot's member order
     * @param files the key files written to their paths
     */
    public Result {
      members = List.copyOf(members);
      files = List.copyOf(files);
    }

    /**
     * The bytes of all members reused from the targets and fetched.
     *
     * @return the sum of the members' bytes
     */
    public RestoredBytes bytes() {
      long reused = 0;
      long fetched = 0;
      for (Member m : members) {
        reused += m.bytes().reused();
        fetched += m.bytes().fetched();
      }
      return new RestoredBytes(reused, fetched);
    }
  }

  private final Repository repo;
  private final Map<String, DatabaseKind> kinds;
  private final int threads;
  private final Progress progress;
  private final CheckpointPolicy checkpoints;
  private final String host;

  /**
   * A restorer of the databases of the {@code kinds} given (one per kind name), for which
   * {@code latest} means this host's ({@link Host#name()}) newest snapshot of a group.
   *
   * @param repo the open repository, locked by the caller
   * @param kinds how each kind of database is verified and swapped in; one per kind name
   * @param threads how many packs to fetch at once; at least 1
   * @param progress counters the restore updates
   * @param checkpoints how often a long restore records where it is, and what asks it to yield
   */
  public GroupRestorer(Repository repo, List<? extends DatabaseKind> kinds, int threads,
      Progress progress, CheckpointPolicy checkpoints) {
    this(repo, byName(kinds), threads, progress, checkpoints, Host.name());
  }

  private GroupRestorer(Repository repo, Map<String, DatabaseKind> kinds, int threads,
      Progress progress, CheckpointPolicy checkpoints, String host) {
    this.repo = Objects.requireNonNull(repo, "repo");
    this.kinds = kinds;
    this.threads = threads;
    this.progress = Objects.requireNonNull(progress, "progress");
    this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
    this.host = Objects.requireNonNull(host, "host");
  }

  private static Map<String, DatabaseKind> byName(List<? extends DatabaseKind> kinds) {
    Map<String, DatabaseKind> out = new LinkedHashMap<>();
    for (DatabaseKind k : kinds) {
      out.putIfAbsent(k.name(), k);
    }
    return Map.copyOf(out);
  }

  /**
   * The same restorer, for which {@code latest} means the newest snapshot of {@code name}.
   *
   * @param name the host name recorded in the snapshots to choose among
   * @return a restorer like this one, choosing among {@code name}'s snapshots
   */
  public GroupRestorer forHost(String name) {
    return new GroupRestorer(repo, kinds, threads, progress, checkpoints, name);
  }

  /**
   * The snapshot {@code ref} names: an id (of group {@code group} if that is given), or this
   * restorer's host's newest snapshot of group {@code group} ({@code latest}), at or before a
   * time ({@link SnapshotRef.At}).
   *
   * @param ref an id, {@code latest} or a time
   * @param group the group's name; null only for an id
   * @return the snapshot found
   * @throws SnapshotNotFoundException if there is none
   * @throws IllegalArgumentException if {@code latest} or a time is asked without a group
   * @throws IOException if the repository or the target folder cannot be read or written, or the
   *     restore was interrupted
   */
  public Snapshot find(SnapshotRef ref, @Nullable String group)
      throws IOException, BulwarkException {
    if (ref instanceof SnapshotRef.IdPrefix id) {
      Snapshot s = repo.loadSnapshot(repo.findSnapshotId(id.prefix()));
      Optional<String> its = DatabaseTags.group(s.tags());
      if (group != null && !its.equals(Optional.of(group))) {
        throw new SnapshotNotFoundException("snapshot " + s.id().shortForm() + " is not of group "
            + group + (its.isPresent() ? " but of group " + its.get() : ""));
      }
      return s;
    }
    if (group == null) {
      throw new IllegalArgumentException("latest needs a group name");
    }
    Instant notAfter = ref instanceof SnapshotRef.At at ? at.time() : Instant.MAX;
    List<Snapshot> all = repo.snapshots();
    Snapshot best = null;
    SortedSet<String> others = new TreeSet<>();
    for (Snapshot s : all) {
      if (!DatabaseTags.group(s.tags()).equals(Optional.of(group))) {
        continue;
      }
      if (!s.hostname().equals(host)) {
        others.add(s.hostname().isEmpty() ? "(no host name)" : s.hostname());
      } else if (!s.time().isAfter(notAfter) && (best == null || s.time().isAfter(best.time()))) {
        best = s;
      }
    }
    if (best == null) {
      throw new SnapshotNotFoundException("the repository has no snapshot of group " + group
          + " from host " + host + (notAfter.equals(Instant.MAX) ? "" : " at or before "
              + notAfter) + (others.isEmpty() ? "" : " (it has snapshots of it from "
              + String.join(", ", others) + "; choose one with --host NAME)"));
    }
    return best;
  }

  /**
   * The files {@code snap} carries besides its databases, as a restore would find them now
   * ({@link DatabaseRestorer#travellingFiles}).
   *
   * @param snap the group snapshot
   * @return the files as they are now at their paths: missing, identical or different
   * @throws IOException if the repository or the target folder cannot be read or written, or the
   *     restore was interrupted
   * @throws BulwarkException if the restore is refused or fails (no such snapshot, damaged data, a
   *     copy that does not verify); nothing was swapped in then
   */
  public List<TravellingFile> travellingFiles(Snapshot snap) throws IOException, BulwarkException {
    return new TravellingFiles(new Restorer(repo, threads, progress), snap).plan(repo);
  }

  /**
   * Restores every database of {@code snap} to its own path, and its key files unless {@link
   * RestoreOption#NO_FILES}. {@link RestoreOption#NO_DELTA} and {@link
   * RestoreOption#OVERWRITE_FILES} apply as to one database; the {@code IF_*} options do not
   * (a group is restored whole or not at all). The caller holds a lock on the repository.
   *
   * @param snap the group snapshot to restore
   * @param options {@code NO_FILES}, {@code NO_DELTA} or {@code OVERWRITE_FILES}
   * @return each member's outcome and the key files written
   * @throws BulwarkException if the snapshot holds no database or one of a kind this restorer
   *     was not given, if a member fails to restore or verify, or a key file differs (nothing
   *     is changed then), or if a swap fails (the message names what was swapped in)
   * @throws IOException if the repository or the target folder cannot be read or written, or the
   *     restore was interrupted
   */
  public Result restore(Snapshot snap, RestoreOption... options)
      throws IOException, BulwarkException {
    Set<RestoreOption> opts = options.length == 0 ? EnumSet.noneOf(RestoreOption.class)
        : EnumSet.copyOf(Arrays.asList(options));
    if (opts.contains(RestoreOption.IF_DB_NOT_EXISTS)
        || opts.contains(RestoreOption.IF_REPLICA_EXISTS)) {
      throw new IllegalArgumentException("a group is restored whole: " + opts);
    }
    boolean delta = !opts.contains(RestoreOption.NO_DELTA);
    List<DatabaseTags> members = DatabaseTags.members(snap.tags());
    if (members.isEmpty()) {
      throw new BulwarkException("snapshot " + snap.id().shortForm() + " holds no database "
          + "(use `bulwark restore --target DIR` for files)");
    }
    List<DatabaseRestorer> restorers = new ArrayList<>();
    for (DatabaseTags m : members) {
      DatabaseKind kind = kinds.get(m.kind());
      if (kind == null) {
        throw new BulwarkException("snapshot " + snap.id().shortForm() + " holds a " + m.kind()
            + " database (" + m.path() + "), which this restore cannot put in place");
      }
      restorers.add(new DatabaseRestorer(repo, kind, threads, progress, checkpoints));
    }
    List<StagedDatabase> staged = new ArrayList<>();
    List<TravellingFiles.Staged> stagedFiles = List.of();
    try {
      for (int i = 0; i < members.size(); i++) {
        DatabaseTags m = members.get(i);
        Path target = Path.of(m.path());
        kinds.get(m.kind()).recover(target);
        staged.add(restorers.get(i).stage(snap, m, null, target, null, delta));
        LOG.info("{} restored into a staging copy and verified", target);
      }
      if (!opts.contains(RestoreOption.NO_FILES)) {
        stagedFiles = new TravellingFiles(new Restorer(repo, threads, progress, checkpoints)
            .delta(delta), snap).stage(opts.contains(RestoreOption.OVERWRITE_FILES));
      }
      List<Member> done = new ArrayList<>();
      for (int i = 0; i < staged.size(); i++) {
        StagedDatabase s = staged.get(i);
        Path previous;
        try {
          previous = restorers.get(i).swapIn(s);
        } catch (IOException | BulwarkException e) {
          if (done.isEmpty()) {
            throw e;
          }
          throw new BulwarkException(swapFailure(snap, done, s.target(), e), e);
        }
        done.add(new Member(members.get(i), previous, s.bytes()));
      }
      List<Path> files = TravellingFiles.putInPlace(stagedFiles, Instant.now(),
          "every database of snapshot " + snap.id().shortForm());
      stagedFiles = List.of();
      LOG.info("restored the {} databases of snapshot {}{}", done.size(),
          snap.id().shortForm(), files.isEmpty() ? "" : " and " + files.size() + " files");
      return new Result(snap, done, files);
    } finally {
      TravellingFiles.discard(stagedFiles);
      for (StagedDatabase s : staged) {
        try {
          s.close();
        } catch (IOException e) {
          LOG.warn("could not delete {}: {}", s.staging(), e.toString());
        }
      }
    }
  }

  private static String swapFailure(Snapshot snap, List<Member> done, Path failed,
      Exception cause) {
    StringBuilder b = new StringBuilder("swapping in " + failed + " failed (" + cause.getMessage()
        + ") after ");
    for (int i = 0; i < done.size(); i++) {
      Member m = done.get(i);
      b.append(i == 0 ? "" : ", ").append(m.database().path());
      if (m.previous() != null) {
        b.append(" (previous kept at ").append(m.previous()).append(')');
      }
    }
    return b.append(" had been restored from snapshot ").append(snap.id().shortForm())
        .append("; it and the databases after it are unchanged, and no key file was restored: "
            + "fix the cause and restore the snapshot again").toString();
  }
}
