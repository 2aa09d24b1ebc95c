package dev.bulwark.cli;

import dev.bulwark.cli.config.DatabaseType;
import dev.bulwark.cli.source.DatabaseSources;
import dev.bulwark.core.Progress;
import dev.bulwark.core.backup.Archiver;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.backup.BackupResult;
import dev.bulwark.core.backup.FileSource;
import dev.bulwark.core.backup.Source;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bulwark backup}. */
@Command(name = "backup", mixinStandardHelpOptions = true,
    description = "Back up a database (online: it may be in use) with the files that travel with "
        + "it, or several databases of one service as one group snapshot, or plain files and "
        + "folders, into a new snapshot.",
    footer = {"", "Examples:",
        "  bulwark backup --repo /backups/repo --sqlite /srv/app/app.db --file /srv/app/node.key",
        "  bulwark backup --repo /backups/repo --rocksdb /srv/node/db   (a closed database)",
        "  bulwark backup --repo /backups/repo --group node --sqlite /srv/node/app.db \\",
        "      --rocksdb /srv/node/chaindata --file /srv/node/node.key",
        "  bulwark backup --repo /backups/repo --tag nightly /srv/app/data"})
final class BackupCommand implements Callable<Integer> {
  @Mixin RepoOptions repo;
  @Mixin LimitOptions limits;
  @Mixin CheckpointOptions checkpoints;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "PATH", arity = "0..*", description = "Files and folders to back up.")
  List<Path> paths = new ArrayList<>();

  @Option(names = "--sqlite", paramLabel = "DB", description = "A SQLite database to back up "
      + "consistently while it is in use (WAL or rollback journal; repeatable).")
  List<Path> sqlite = new ArrayList<>();

  @Option(names = "--rocksdb", paramLabel = "DIR", description = "A closed RocksDB database "
      + "folder to back up (a running service backs up its open database through the library; "
      + "repeatable).")
  List<Path> rocksdb = new ArrayList<>();

  @Option(names = "--group", paramLabel = "NAME", description = "Record the databases as one "
      + "named group snapshot (implied, unnamed, by more than one database): each database is a "
      + "numbered member, every --sqlite in order, then every --rocksdb.")
  String group;

  @Option(names = "--file", paramLabel = "PATH", description = "A file that travels with the "
      + "database (identity key, config); recorded as owner-only, restored 0600 (repeatable).")
  List<Path> files = new ArrayList<>();

  @Option(names = "--tag", paramLabel = "TAG", description = "Tag the snapshot (repeatable).")
  List<String> tags = new ArrayList<>();

  @Option(names = "--host", paramLabel = "NAME", description = "Host name recorded in the "
      + "snapshot (default: this machine's).")
  String host;

  @Option(names = "--chunk-size", paramLabel = "SIZE",
      description = "Content chunk size for everything, e.g. 64K, 1M (default: 64K, and 32K for "
          + "SQLite database pages).")
  String chunkSize;

  @Option(names = "--pack-size", paramLabel = "SIZE", defaultValue = "16M",
      description = "Target pack file size (default: ${DEFAULT-VALUE}).")
  String packSize;

  @Option(names = "--compression", paramLabel = "LEVEL", defaultValue = "1",
      description = "zstd level 1-19, or 0 for none (default: ${DEFAULT-VALUE}).")
  int compression;

  @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: one "
      + "per core).")
  Integer threads;

  @Option(names = "--parent", paramLabel = "ID", description = "Reuse unchanged files of this "
      + "snapshot (default: the newest snapshot of the same paths from this host).")
  String parent;

  @Option(names = "--force", description = "Read every file, even those unchanged since the "
      + "parent snapshot.")
  boolean force;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    BackupOptions opts;
    try {
      opts = BackupOptions.defaults().withPackBytes(Messages.parseSize(packSize))
          .withZstdLevel(compression).withTags(tags).withParent(parent).withForce(force)
          .withCheckpoints(checkpoints.policy());
      if (chunkSize != null) {
        opts = opts.withChunkBytes(Messages.parseSize(chunkSize));
      }
      if (threads != null) {
        opts = opts.withThreads(threads);
      }
      if (host != null) {
        opts = opts.withHostname(host);
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    List<Source> sources = sources();
    Progress progress = new Progress();
    // The index is loaded once, while the lock settles (the archiver finds it current); loading
    // it at open too doubled the fixed cost of a backup that reads little (10 GiB of RocksDB
    // tables: seconds per load).
    try (Repository r = repo.open(false, limits); Lock lock = r.lockLoadingIndex(false);
        ProgressPrinter pp = new ProgressPrinter(progress, "backup", !json)) {
      BackupResult res = new Archiver(r, opts, progress).backup(lock, sources, group);
      lock.releaseAfterSuccess();
      print(res);
    }
    return 0;
  }

  private List<Source> sources() throws UsageException {
    if (group != null) {
      try {
        DatabaseTags.groupTag(group);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--group " + group + ": " + e.getMessage());
      }
      if (sqlite.isEmpty() && rocksdb.isEmpty()) {
        throw new UsageException("--group " + group + " groups databases: give at least one "
            + "--sqlite DB or --rocksdb DIR");
      }
    }
    List<Source> out = new ArrayList<>();
    Set<Path> seen = new HashSet<>();
    for (Path db : sqlite) {
      out.add(DatabaseSources.database(DatabaseType.SQLITE, once(seen, db)));
    }
    for (Path db : rocksdb) {
      out.add(DatabaseSources.database(DatabaseType.ROCKSDB, once(seen, db)));
    }
    if (!files.isEmpty()) {
      out.add(DatabaseSources.travelling(files));
    }
    if (!paths.isEmpty()) {
      out.add(FileSource.of(paths));
    }
    if (out.isEmpty()) {
      throw new UsageException("nothing to back up: give --sqlite DB, --rocksdb DIR, --file or "
          + "PATH");
    }
    return out;
  }

  /** {@code db}, unless it was named before: one database cannot be two members. */
  private static Path once(Set<Path> seen, Path db) throws UsageException {
    if (!seen.add(db.toAbsolutePath().normalize())) {
      throw new UsageException("the database " + db + " is given twice: name each database once");
    }
    return db;
  }

  private void print(BackupResult res) throws java.io.IOException {
    var out = spec.commandLine().getOut();
    if (json) {
      var m = new com.fasterxml.jackson.databind.ObjectMapper();
      var n = m.createObjectNode();
      n.put("snapshot_id", res.snapshot().id().toString());
      n.put("files", res.files());
      n.put("bytes_read", res.bytesRead());
      n.put("files_unchanged", res.filesUnchanged());
      n.put("bytes_unchanged", res.bytesUnchanged());
      n.put("new_blobs", res.newBlobs());
      n.put("bytes_added", res.bytesAdded());
      n.put("seconds", res.seconds());
      out.println(m.writeValueAsString(n));
    } else {
      out.printf("snapshot %s saved: %d files, %s read, %d unchanged (%s not read), %s added in "
          + "%.1f s%n", res.snapshot().id().shortForm(), res.files(),
          Messages.bytes(res.bytesRead()), res.filesUnchanged(),
          Messages.bytes(res.bytesUnchanged()), Messages.bytes(res.bytesAdded()), res.seconds());
    }
  }
}
