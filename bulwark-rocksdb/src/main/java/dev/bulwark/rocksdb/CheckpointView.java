package dev.bulwark.rocksdb;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.SourceException;
import dev.bulwark.core.backup.SourceView;
import dev.bulwark.core.fs.AtomicFiles;
import dev.bulwark.core.fs.FileTrees;
import dev.bulwark.core.fs.Leftovers;
import dev.bulwark.core.restore.DatabaseRestorer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.rocksdb.Checkpoint;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A RocksDB checkpoint of a live database, presented as the database's own folder.
 *
 * <p>The checkpoint lives in a private (0700) folder beside the database,
 * {@code .<name>.bulwark-checkpoint-<pid>-<random>}: beside it so that it is on the same file
 * system, where RocksDB hard-links the immutable table files instead of copying them. It pins
 * those files (RocksDB may delete its own names meanwhile) until {@link #close()} deletes it.
 * A checkpoint left by a process that died is deleted by the next checkpoint of the same
 * database.
 */
final class CheckpointView implements SourceView {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointView.class);
  private static final String MARK = ".bulwark-checkpoint-";

  private final Path dbPath;
  private final Path holder;
  private final Path checkpoint;
  private final List<String> tags;
  private final long bytes;
  private boolean closed;

  private CheckpointView(Path dbPath, Path holder, Path checkpoint, List<String> tags,
      long bytes) {
    this.dbPath = dbPath;
    this.holder = holder;
    this.checkpoint = checkpoint;
    this.tags = tags;
    this.bytes = bytes;
  }

  /** Takes a checkpoint of {@code db} beside its folder. */
  static CheckpointView take(RocksDB db) throws SourceException {
    Path dbPath = Path.of(db.getName()).toAbsolutePath().normalize();
    Path parent = dbPath.getParent();
    if (parent == null) {
      throw new SourceException("cannot back up a RocksDB database at " + dbPath
          + ": a checkpoint needs a folder beside the database");
    }
    String prefix = "." + AtomicFiles.siblingBase(dbPath, 64) + MARK;
    removeStale(parent, prefix);
    Path holder;
    try {
      holder = Files.createTempDirectory(parent, prefix + ProcessHandle.current().pid() + "-",
          PosixFilePermissions.asFileAttribute(AtomicFiles.DIR_PERMISSIONS));
    } catch (IOException e) {
      throw new SourceException("cannot create a checkpoint folder in " + parent + " (it must"
          + " be writable and on the database's file system): " + e, e);
    }
    Path checkpoint = holder.resolve("checkpoint");
    try {
      try (Checkpoint c = Checkpoint.create(db)) {
        c.createCheckpoint(checkpoint.toString());
      }
      ReadOnlyDatabase.Facts facts;
      try (ReadOnlyDatabase ro = ReadOnlyDatabase.open(checkpoint)) {
        facts = ro.facts();
      }
      LOG.debug("checkpoint of {} at sequence {} in {}", dbPath, facts.sequence(), holder);
      return new CheckpointView(dbPath, holder, checkpoint,
          RocksDbSource.tags(dbPath, facts, "checkpoint"), FolderEntries.size(checkpoint));
    } catch (RocksDBException e) {
      throw discard(holder, new SourceException("could not take a checkpoint of " + dbPath
          + ": " + e.getMessage(), e));
    } catch (IOException e) {
      throw discard(holder, new SourceException("could not read the checkpoint of " + dbPath
          + ": " + e, e));
    } catch (RuntimeException e) {
      throw discard(holder, e);
    }
  }

  private static <E extends Exception> E discard(Path holder, E failure) {
    try {
      FileTrees.deleteRecursively(holder);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
    return failure;
  }

  /** Deletes checkpoints whose process is gone: they pin table files the database dropped. */
  private static void removeStale(Path parent, String prefix) {
    List<Path> abandoned;
    try {
      abandoned = Leftovers.abandoned(parent, prefix);
    } catch (IOException e) {
      LOG.warn("could not look for stale checkpoints in {}: {}", parent, e.toString());
      return;
    }
    for (Path p : abandoned) {
      try {
        FileTrees.deleteRecursively(p);
        LOG.info("deleted {}, a checkpoint left by a process which is gone", p);
      } catch (IOException e) {
        LOG.warn("could not delete stale checkpoint {}: {}", p, e.toString());
      }
    }
  }


  @Override
  public List<String> paths() {
    return List.of(dbPath.toString());
  }

  @Override
  public void visit(EntryVisitor visitor) throws IOException, BulwarkException {
    if (closed) {
      throw new IllegalStateException("checkpoint of " + dbPath + " is closed");
    }
    FolderEntries.visit(checkpoint, dbPath, dbPath, visitor);
  }

  @Override
  public long estimatedBytes() {
    return bytes;
  }

  @Override
  public List<String> tags() {
    return tags;
  }

  /** Deletes the checkpoint; safe to call again (a failed deletion is retried). */
  @Override
  public void close() throws IOException {
    closed = true;
    FileTrees.deleteRecursively(holder);
  }
}
