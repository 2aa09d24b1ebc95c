package dev.bulwark.cli;

import dev.bulwark.cli.config.DatabaseType;
import dev.bulwark.cli.source.DatabaseSources;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.Progress;
import dev.bulwark.core.SnapshotRef;
import dev.bulwark.core.concurrent.Workers;
import dev.bulwark.core.job.CheckpointPolicy;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.restore.DatabaseKind;
import dev.bulwark.core.restore.DatabaseRestorer;
import dev.bulwark.core.restore.GroupRestorer;
import dev.bulwark.core.restore.RestoreOption;
import dev.bulwark.core.restore.RestorePlan;
import dev.bulwark.core.restore.RestoreResult;
import dev.bulwark.core.restore.RestoredBytes;
import dev.bulwark.core.restore.Restorer;
import dev.bulwark.core.stream.ReplayTarget;
import dev.bulwark.core.stream.SegmentName;
import dev.bulwark.core.tree.Node;
import dev.bulwark.core.tree.NodeType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bulwark restore}. */
@Command(name = "restore", mixinStandardHelpOptions = true,
    description = {"Restore a snapshot into a folder (--target): files land at "
        + "TARGET/<original path>, each verified and written under a temp name, then renamed.",
        "Or restore a database in place (--db, --rocksdb): into a staging copy beside it, "
        + "checked (SQLite integrity and foreign keys; RocksDB checksums), then swapped in; the "
        + "previous database is kept under a clear name, and left untouched if anything fails. "
        + "SNAPSHOT latest means this host's newest snapshot of that database (--host for "
        + "another host's); with --target, the newest snapshot (of --host, if given).",
        "Or restore every database of a group snapshot (--group, --all-databases) to its own "
        + "path: all restored and verified before any is swapped in.",
        "A database streamed with `bulwark replicate` is restored to a point in time: the "
        + "newest snapshot at or before it, then the stream's segments replayed onto it, each "
        + "checked against the database state it names; by default to the newest shipped "
        + "transaction, or to --time / --txid. A gap or a damaged segment is found before "
        + "anything is written."},
    footer = {"", "Examples:", "  bulwark restore latest --repo /backups/repo --target /tmp/out",
        "  bulwark restore 4f2a9c1e --repo /backups/repo --target / --include /srv/app/node.key",
        "  bulwark restore latest --repo /backups/repo --db /srv/app/app.db",
        "  bulwark restore latest --repo /backups/repo --group node   (every member, then swap)",
        "  bulwark restore latest --repo R --db /srv/app/app.db --host old-node   (move it here)",
        "  bulwark restore latest --repo R --db /srv/app/app.db --if-db-not-exists "
            + "--if-replica-exists   (at service start)",
        "  bulwark restore latest --repo R --db /srv/app/app.db --time 2026-12-01T10:15:30Z "
            + "--output /tmp/app-1015.db --dry-run"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done (or nothing to do with --if-* options)",
        "1:error (no such point in the stream, a gap or a damaged segment: nothing written)",
        "2:usage (e.g. a --time that does not parse, --time with --txid)",
        "10:no repository", "11:repository locked", "12:wrong password",
        "75:yielded at a checkpoint (--yield-file): run the same command again to resume",
        "130:interrupted"})
final class RestoreCommand implements Callable<Integer> {
  @Mixin RepoOptions repo;
  @Mixin LimitOptions limits;
  @Mixin NoLockOption noLock;
  @Mixin CheckpointOptions checkpoints;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "SNAPSHOT", description = "Snapshot id, unique id prefix, or latest.")
  String snapshot;

  @Option(names = {"-t", "--target"}, paramLabel = "DIR",
      description = "Folder to restore into (created if missing).")
  Path target;

  @Option(names = "--db", paramLabel = "DB", description = "Restore a SQLite database to DB.")
  Path sqlite;

  @Option(names = "--rocksdb", paramLabel = "DIR",
      description = "Restore a RocksDB database to DIR.")
  Path rocksdb;

  @Option(names = "--group", paramLabel = "NAME", description = "Restore every database of "
      + "group NAME (`backup --group`, `groups:` in bulwark.yml) to its own path, and the files "
      + "backed up with them: all restored and verified before any is swapped in. latest means "
      + "the group's newest snapshot from this host (--host, --time choose another).")
  String group;

  @Option(names = "--all-databases", description = "With a snapshot id: restore every database "
      + "it holds to its own path, as --group does.")
  boolean allDatabases;

  @Option(names = "--if-db-not-exists",
      description = "With --db/--rocksdb: do nothing if a database is already there.")
  boolean ifDbNotExists;

  @Option(names = "--if-replica-exists", description = "With --db/--rocksdb: do nothing, "
      + "successfully, if the repository has no snapshot of that database.")
  boolean ifReplicaExists;

  @Option(names = "--no-delta", description = "Fetch every byte from the repository: do not "
      + "reuse the parts of an existing database or file at the target that match the snapshot.")
  boolean noDelta;

  @Option(names = "--no-files", description = "With --db/--rocksdb: restore the database alone,"
      + " not the files backed up with it (--file: key files, configs), which a restore to the "
      + "database's own path otherwise puts back at their paths.")
  boolean noFiles;

  @Option(names = "--overwrite-files", description = "With --db/--rocksdb: replace a file "
      + "backed up with the database whose content now differs (kept beside it as "
      + "NAME.bulwark-old-TIME); without it such a file stops the restore before anything "
      + "changes.")
  boolean overwriteFiles;

  @Option(names = {"-i", "--include"}, paramLabel = "PATH",
      description = "Restore only this path of the snapshot and what is below it (repeatable).")
  List<String> includes = new ArrayList<>();

  @Option(names = "--host", paramLabel = "NAME", description = "With latest: the newest "
      + "snapshot written by host NAME (as `bulwark snapshots` shows it). Default with --db/"
      + "--rocksdb: this host; with --target: any host.")
  String host;

  @Option(names = "--threads", paramLabel = "N", description = "Worker threads.")
  Integer threads;

  @Option(names = "--time", paramLabel = "TIME", description = "With --db/--rocksdb and latest:"
      + " the database as it was at TIME (ISO-8601: 2026-12-01T10:15:30Z, with an offset, or a "
      + "local date-time in this machine's zone). A streamed database is replayed to its last "
      + "segment committed by then; any other, the newest snapshot at or before TIME.")
  String time;

  @Option(names = "--txid", paramLabel = "N", description = "With --db and latest, for a "
      + "streamed database: up to transaction position N of its newest generation (or "
      + "GENERATION/N, as --dry-run prints it), stopping at the last segment end at or before it.")
  String txid;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "With --db/--rocksdb:"
      + " restore the database to FILE instead of its own path (the folder must exist); the same "
      + "checks and swap, and a database already at FILE is kept under a clear name.")
  Path output;

  @Option(names = "--dry-run", description = "With --db/--rocksdb/--group: print the plan "
      + "(snapshot, segments, bytes, an estimated time, the point reached, what would happen to "
      + "each file backed up with the database) and write nothing.")
  boolean dryRun;

  @Override
  public Integer call() throws Exception {
    boolean whole = group != null || allDatabases;
    int given = (target != null ? 1 : 0) + (sqlite != null ? 1 : 0) + (rocksdb != null ? 1 : 0)
        + (whole ? 1 : 0);
    if (given != 1) {
      throw new UsageException("give exactly one of --target DIR, --db DB, --rocksdb DIR, "
          + "--group NAME or --all-databases");
    }
    if (whole) {
      return restoreGroup();
    }
    if (target == null) {
      if (txid != null && rocksdb != null) {
        throw new UsageException("--txid applies to streamed SQLite databases (--db)", false);
      }
      if ((time != null || txid != null) && !"latest".equals(snapshot)) {
        throw new UsageException("--time and --txid choose a point from latest; a snapshot id "
            + "names one snapshot", false);
      }
      if (!includes.isEmpty()) {
        throw new UsageException("--include applies to --target restores only");
      }
      return restoreDatabase(DatabaseSources.restoreKind(sqlite != null ? DatabaseType.SQLITE
          : DatabaseType.ROCKSDB),
          sqlite != null ? sqlite : rocksdb);
    }
    if (ifDbNotExists || ifReplicaExists) {
      throw new UsageException("--if-db-not-exists and --if-replica-exists apply to --db and "
          + "--rocksdb restores");
    }
    if (time != null || txid != null || output != null || dryRun || noFiles
        || overwriteFiles) {
      throw new UsageException("--time, --txid, --output, --dry-run, --no-files and "
          + "--overwrite-files apply to --db and --rocksdb restores");
    }
    Progress progress = new Progress();
    CheckpointPolicy policy = checkpoints.policy();
    try (Repository r = repo.open(false, limits); Lock lock = noLock.lockLoadingIndex(r, false);
        ProgressPrinter pp = new ProgressPrinter(progress, "restore", true)) {
      Snapshot s = HostSnapshots.find(r, SnapshotRef.parse(snapshot), host);
      int n = threads != null ? threads : threadsFor(r);
      Restorer restorer = new Restorer(r, n, progress, policy).delta(!noDelta);
      RestoreResult res = restorer.restore(s, target, includes);
      spec.commandLine().getOut().printf("restored snapshot %s: %d files, %s into %s in %.1f s%n",
          s.id().shortForm(), res.files(), Messages.bytes(res.bytes()), target, res.seconds());
      spec.commandLine().getOut().println(reuse(restorer.restoredBytes(), "the files there"));
    }
    return 0;
  }

  private int restoreGroup() throws Exception {
    SnapshotRef ref = SnapshotRef.parse(snapshot);
    if (group == null && !(ref instanceof SnapshotRef.IdPrefix)) {
      throw new UsageException("--all-databases restores the snapshot an id names; for the "
          + "newest snapshot of a group use --group NAME", false);
    }
    if (txid != null || output != null || ifDbNotExists || ifReplicaExists
        || !includes.isEmpty()) {
      throw new UsageException("--txid, --output, --include, --if-db-not-exists and "
          + "--if-replica-exists apply to one database; a group is restored whole, each member"
          + " to its own path", false);
    }
    if (time != null) {
      if (ref instanceof SnapshotRef.IdPrefix) {
        throw new UsageException("--time chooses a snapshot from latest; a snapshot id names "
            + "one snapshot", false);
      }
      ReplayTarget.At at = (ReplayTarget.At) RestorePoint.parse(time, null,
          ZoneId.systemDefault());
      ref = SnapshotRef.at(at.time());
    }
    var out = spec.commandLine().getOut();
    Progress progress = new Progress();
    try (Repository r = repo.open(false, limits); Lock lock = noLock.lockLoadingIndex(r, false);
        ProgressPrinter pp = new ProgressPrinter(progress, "restore", !dryRun)) {
      int n = threads != null ? threads : threadsFor(r);
      GroupRestorer restorer = new GroupRestorer(r, GroupRestore.kinds(), n, progress,
          checkpoints.policy());
      if (host != null) {
        restorer = restorer.forHost(host);
      }
      Snapshot s = restorer.find(ref, group);
      if (dryRun) {
        GroupRestore.printPlan(out, new Restorer(r, n, new Progress()), restorer, s, noFiles,
            overwriteFiles);
        return 0;
      }
      GroupRestorer.Result res = restorer.restore(s, options().toArray(RestoreOption[]::new));
      GroupRestore.print(out, res);
      out.println(reuse(res.bytes(), "the databases there"));
    }
    return 0;
  }

  private int restoreDatabase(DatabaseKind kind, Path db) throws Exception {
    var out = spec.commandLine().getOut();
    ReplayTarget point = RestorePoint.parse(time, txid, ZoneId.systemDefault());
    Path destination = output != null ? output : db;
    Path folder = destination.toAbsolutePath().normalize().getParent();
    if (output != null && !Files.isDirectory(folder)) {
      throw new UsageException("the folder of --output " + output + " does not exist", false);
    }
    if (sqlite != null && output != null && Files.isDirectory(output)) {
      // Restoring "into" a folder would swap the folder away; the user means a file name. (A
      // RocksDB database is a folder: --output names it.)
      throw new UsageException("--output " + output + " is a folder; name the database file"
          + " to write, e.g. " + output.resolve(db.getFileName()), false);
    }
    if (ifDbNotExists && !dryRun && Files.exists(destination)) {
      // Before opening the repository: a service start-up must not fail on it needlessly.
      out.println(destination + " exists; nothing restored");
      return 0;
    }
    Progress progress = new Progress();
    CheckpointPolicy policy = checkpoints.policy();
    // The index is loaded while the lock settles (restore and printPlan).
    try (Repository r = repo.open(false, limits);
        ProgressPrinter pp = new ProgressPrinter(progress, "restore", !dryRun)) {
      int n = threads != null ? threads : threadsFor(r);
      DatabaseRestorer restorer = new DatabaseRestorer(r, kind, n, progress, policy);
      if (host != null) {
        restorer = restorer.forHost(host);
      }
      if (dryRun) {
        return printPlan(r, restorer, point, db, destination, n);
      }
      DatabaseRestorer.Result res = restore(r, restorer, point, db, destination);
      switch (res.outcome()) {
        case RESTORED -> out.println("restored " + kind.name() + " database " + db
            + (destination.equals(db) ? "" : " to " + destination)
            + " from snapshot " + res.snapshot().orElseThrow().id().shortForm()
            + res.replay().map(p -> " + " + p.segments().size() + " segments, to txid "
                + p.reached().txid() + " of generation "
                + SegmentName.generation(p.reached().generation()) + " (committed "
                + p.reachedTime() + ")").orElse("")
            + res.previous().map(p -> "; previous database kept at " + p).orElse(""));
        case SKIPPED_DB_EXISTS -> out.println(destination + " exists; nothing restored");
        case SKIPPED_NO_SNAPSHOT -> out.println("no snapshot of " + db + "; nothing restored");
        default -> throw new IllegalStateException(res.outcome().toString());
      }
      if (res.outcome() == DatabaseRestorer.Outcome.RESTORED) {
        for (Path f : res.files()) {
          out.println("restored " + f + " (backed up with the database)");
        }
        if (!destination.equals(db) && !noFiles
            && res.snapshot().orElseThrow().paths().size() > 1) {
          out.println("files backed up with the database were not restored: the database went "
              + "to --output (restore them with --target DIR, or `bulwark dump`)");
        }
        out.println(reuse(res.bytes(), "the database that was at " + destination));
      }
    }
    return 0;
  }

  /** One line saying how much of a restore came from the repository and how much was kept. */
  private static String reuse(RestoredBytes b, String existing) {
    return "fetched " + Messages.bytes(b.fetched()) + " from the repository, reused "
        + Messages.bytes(b.reused()) + " from " + existing;
  }

  /** {@code --dry-run}: finds and checks the plan under a shared lock, and prints it. */
  private int printPlan(Repository r, DatabaseRestorer restorer, ReplayTarget point, Path db,
      Path destination, int threads) throws IOException, BulwarkException {
    try (Lock lock = noLock.lockLoadingIndex(r, false)) {
      SnapshotRef ref = SnapshotRef.parse(snapshot);
      RestorePlan plan = ref instanceof SnapshotRef.IdPrefix ? restorer.plan(ref, db)
          : restorer.plan(point, db);
      long size = -1;
      Optional<DatabaseTags> tags = DatabaseTags.member(plan.snapshot().tags(),
          db.toAbsolutePath().normalize().toString())
          .or(() -> DatabaseTags.fromTags(plan.snapshot().tags()));
      if (tags.isPresent()) {
        Node node = new Restorer(r, threads, new Progress()).findNode(plan.snapshot(),
            tags.get().path());
        size = node.type() == NodeType.FILE ? node.size() : -1;
      }
      var out = spec.commandLine().getOut();
      RestorePlanPrinter.print(out, plan, db, destination, size);
      if (destination.toAbsolutePath().normalize().equals(db.toAbsolutePath().normalize())) {
        RestorePlanPrinter.printFiles(out, restorer.travellingFiles(plan.snapshot()), noFiles,
            overwriteFiles);
      }
      out.flush();
    }
    return 0;
  }

  /**
   * Restores under a shared lock (none with --no-lock), taken only once it is clear that
   * {@code --if-db-not-exists} does not skip: a start-up with its database in place needs
   * neither a writable nor an unlocked repository.
   */
  private DatabaseRestorer.Result restore(Repository r, DatabaseRestorer restorer,
      ReplayTarget point, Path db, Path destination) throws IOException, BulwarkException {
    if (ifDbNotExists) {
      Optional<DatabaseRestorer.Result> exists = restorer.skipIfDatabaseExists(destination);
      if (exists.isPresent()) {
        return exists.get();
      }
    }
    List<RestoreOption> options = new ArrayList<>();
    if (ifDbNotExists) {
      options.add(RestoreOption.IF_DB_NOT_EXISTS);
    }
    if (ifReplicaExists) {
      options.add(RestoreOption.IF_REPLICA_EXISTS);
    }
    options.addAll(options());
    RestoreOption[] opts = options.toArray(RestoreOption[]::new);
    try (Lock lock = noLock.lockLoadingIndex(r, false)) {
      SnapshotRef ref = SnapshotRef.parse(snapshot);
      return ref instanceof SnapshotRef.IdPrefix ? restorer.restore(ref, db, destination, opts)
          : restorer.restore(point, db, destination, opts);
    }
  }

  /** The options on how to restore: delta, files. */
  private List<RestoreOption> options() {
    List<RestoreOption> out = new ArrayList<>();
    if (noDelta) {
      out.add(RestoreOption.NO_DELTA);
    }
    if (noFiles) {
      out.add(RestoreOption.NO_FILES);
    }
    if (overwriteFiles) {
      out.add(RestoreOption.OVERWRITE_FILES);
    }
    return out;
  }

  /**
   * One worker per core, but at least one per backend connection: reads from an object store
   * wait on the network, so a 2-core machine restoring from S3 with two workers left most of
   * its connections idle (2.7x restic's time in bench/s3.sh).
   */
  private static int threadsFor(Repository r) {
    return Math.max(Workers.defaultThreads(), r.connections());
  }
}
