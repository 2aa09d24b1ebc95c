package dev.bulwark.cli;

import dev.bulwark.cli.config.DatabaseType;
import dev.bulwark.cli.source.DatabaseSources;
import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.Progress;
import dev.bulwark.core.SnapshotRef;
import dev.bulwark.core.concurrent.Workers;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.restore.DatabaseKind;
import dev.bulwark.core.restore.DatabaseRestorer;
import dev.bulwark.core.restore.RestoreOption;
import dev.bulwark.core.restore.RestoreResult;
import dev.bulwark.core.restore.Restorer;
import java.io.IOException;
import java.nio.file.Path;
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
        + "another host's); with --target, the newest snapshot (of --host, if given)."},
    footer = {"", "Examples:", "  bulwark restore latest --repo /backups/repo --target /tmp/out",
        "  bulwark restore 4f2a9c1e --repo /backups/repo --target / --include /srv/app/node.key",
        "  bulwark restore latest --repo /backups/repo --db /srv/app/app.db",
        "  bulwark restore latest --repo R --db /srv/app/app.db --host old-node   (move it here)",
        "  bulwark restore latest --repo R --db /srv/app/app.db --if-db-not-exists "
            + "--if-replica-exists   (at service start)"})
final class RestoreCommand implements Callable<Integer> {
  @Mixin RepoOptions repo;
  @Mixin NoLockOption noLock;
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

  @Option(names = "--if-db-not-exists",
      description = "With --db/--rocksdb: do nothing if a database is already there.")
  boolean ifDbNotExists;

  @Option(names = "--if-replica-exists", description = "With --db/--rocksdb: do nothing, "
      + "successfully, if the repository has no snapshot of that database.")
  boolean ifReplicaExists;

  @Option(names = {"-i", "--include"}, paramLabel = "PATH",
      description = "Restore only this path of the snapshot and what is below it (repeatable).")
  List<String> includes = new ArrayList<>();

  @Option(names = "--host", paramLabel = "NAME", description = "With latest: the newest "
      + "snapshot written by host NAME (as `bulwark snapshots` shows it). Default with --db/"
      + "--rocksdb: this host; with --target: any host.")
  String host;

  @Option(names = "--threads", paramLabel = "N", description = "Worker threads.")
  Integer threads;

  @Override
  public Integer call() throws Exception {
    int given = (target != null ? 1 : 0) + (sqlite != null ? 1 : 0) + (rocksdb != null ? 1 : 0);
    if (given != 1) {
      throw new UsageException("give exactly one of --target DIR, --db DB or --rocksdb DIR");
    }
    if (target == null) {
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
    Progress progress = new Progress();
    try (Repository r = repo.open(true); Lock lock = noLock.lock(r, false);
        ProgressPrinter pp = new ProgressPrinter(progress, "restore", true)) {
      Snapshot s = HostSnapshots.find(r, SnapshotRef.parse(snapshot), host);
      int n = threads != null ? threads : threadsFor(r);
      RestoreResult res = new Restorer(r, n, progress).restore(s, target, includes);
      spec.commandLine().getOut().printf("restored snapshot %s: %d files, %s into %s in %.1f s%n",
          s.id().shortForm(), res.files(), Messages.bytes(res.bytes()), target, res.seconds());
    }
    return 0;
  }

  private int restoreDatabase(DatabaseKind kind, Path db) throws Exception {
    var out = spec.commandLine().getOut();
    if (ifDbNotExists && java.nio.file.Files.exists(db)) {
      // Before opening the repository: a service start-up must not fail on it needlessly.
      out.println(db + " exists; nothing restored");
      return 0;
    }
    Progress progress = new Progress();
    try (Repository r = repo.open(true);
        ProgressPrinter pp = new ProgressPrinter(progress, "restore", true)) {
      int n = threads != null ? threads : threadsFor(r);
      DatabaseRestorer restorer = new DatabaseRestorer(r, kind, n, progress);
      if (host != null) {
        restorer = restorer.forHost(host);
      }
      DatabaseRestorer.Result res = restore(r, restorer, db);
      switch (res.outcome()) {
        case RESTORED -> out.println("restored " + kind.name() + " database " + db
            + " from snapshot " + res.snapshot().orElseThrow().id().shortForm()
            + res.previous().map(p -> "; previous database kept at " + p).orElse(""));
        case SKIPPED_DB_EXISTS -> out.println(db + " exists; nothing restored");
        case SKIPPED_NO_SNAPSHOT -> out.println("no snapshot of " + db + "; nothing restored");
        default -> throw new IllegalStateException(res.outcome().toString());
      }
    }
    return 0;
  }

  /**
   * Restores under a shared lock (none with --no-lock), taken only once it is clear that
   * {@code --if-db-not-exists} does not skip: a start-up with its database in place needs
   * neither a writable nor an unlocked repository.
   */
  private DatabaseRestorer.Result restore(Repository r, DatabaseRestorer restorer, Path db)
      throws IOException, BulwarkException {
    if (ifDbNotExists) {
      Optional<DatabaseRestorer.Result> exists = restorer.skipIfDatabaseExists(db);
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
    try (Lock lock = noLock.lock(r, false)) {
      return restorer.restore(SnapshotRef.parse(snapshot), db,
          options.toArray(RestoreOption[]::new));
    }
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
