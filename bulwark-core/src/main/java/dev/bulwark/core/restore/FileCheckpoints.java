package dev.bulwark.core.restore;

import dev.bulwark.core.job.CheckpointCounter;
import dev.bulwark.core.job.CheckpointPolicy;
import dev.bulwark.core.job.JobYieldedException;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.tree.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoints of one restore into a folder: counts the snapshot's files in walk order,
 * says which an earlier run already restored (see {@link RestoreProgress}), and every {@code
 * every} files restored records how far it got, then asks whether to yield. Not thread-safe:
 * the restore walks its trees in one thread.
 */
final class FileCheckpoints {
  private static final Logger LOG = LoggerFactory.getLogger(FileCheckpoints.class);

  private @Nullable Path file;
  private final RestoreProgress.@Nullable Loaded earlier;
  private final dev.bulwark.core.@Nullable Id snapshot;
  private final List<String> includes;
  private final CheckpointCounter counter;
  private long ordinal;
  private long skipped;

  private FileCheckpoints(@Nullable Path file, RestoreProgress.@Nullable Loaded earlier,
      dev.bulwark.core.@Nullable Id snapshot, List<String> includes, CheckpointCounter counter) {
    this.file = file;
    this.earlier = earlier;
    this.snapshot = snapshot;
    this.includes = List.copyOf(includes);
    this.counter = counter;
  }

  /**
   * The checkpoints of restoring {@code snapshot}'s {@code includes} into {@code target},
   * resuming from the record beside it if that record is of the same snapshot and paths.
   */
  static FileCheckpoints start(Snapshot snapshot, List<String> includes, Path target,
      CheckpointCounter counter) throws IOException {
    Path file = RestoreProgress.fileFor(target);
    RestoreProgress.Loaded loaded = file == null ? null : RestoreProgress.load(file);
    if (loaded != null && !(loaded.progress().snapshot().equals(snapshot.id())
        && loaded.progress().includes().equals(includes))) {
      loaded = null;
    }
    if (loaded != null) {
      LOG.info("resuming the restore into {}: {} files were restored by an earlier run",
          target, loaded.progress().filesDone());
    }
    return new FileCheckpoints(file, loaded, snapshot.id(), includes, counter);
  }

  /** For restores that keep no record (a staging copy, removed whenever it is not finished). */
  static FileCheckpoints none() {
    return new FileCheckpoints(null, null, null, List.of(),
        new CheckpointCounter(CheckpointPolicy.defaults(), "restore"));
  }

  /**
   * Whether the next file in walk order, {@code n} restored at {@code out}, was restored by an
   * earlier run and is unchanged since. Counts the file either way: call once per file, and
   * {@link #fileDone()} after restoring one this returned false for.
   */
  boolean isDone(Node n, Path out) throws IOException {
    long index = ordinal++;
    if (earlier == null || index >= earlier.progress().filesDone()) {
      return false;
    }
    boolean same = isUnchanged(n, out, earlier.ctime());
    if (same) {
      skipped++;
    }
    return same;
  }

  private static boolean isUnchanged(Node n, Path out, FileTime recordCtime) throws IOException {
    try {
      BasicFileAttributes a = Files.readAttributes(out, BasicFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS);
      if (!a.isRegularFile() || a.size() != n.size() || n.mtime() == null
          || !a.lastModifiedTime().equals(FileTime.from(n.mtime()))) {
        return false;
      }
      Map<String, Object> unix = Files.readAttributes(out, "unix:ctime",
          LinkOption.NOFOLLOW_LINKS);
      // Strictly older: a change in the same clock tick as the record must not pass.
      return ((FileTime) unix.get("ctime")).compareTo(recordCtime) < 0;
    } catch (java.nio.file.NoSuchFileException e) {
      return false;
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Records that the current file was restored; every {@code every} files, persists the
   * record and asks whether to yield.
   *
   * @throws JobYieldedException if asked to: every file up to this one is restored and recorded
   */
  void fileDone() throws IOException, JobYieldedException {
    if (counter.add(1)) {
      if (file != null) {
        try {
          new RestoreProgress(snapshot, includes, ordinal).save(file);
        } catch (IOException e) {
          // A target whose folder takes no new file (a mount point, say) still restores; it
          // only cannot resume.
          LOG.warn("cannot record the restore's progress in {} ({}); a restore run again will "
              + "start over", file, e.toString());
          file = null;
        }
      }
      counter.checkpointed();
    }
  }

  /** The restore completed: the record is removed. */
  void finish() {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        LOG.warn("the restore is complete, but its progress record {} could not be removed "
            + "({})", file, e.toString());
      }
    }
    if (skipped > 0) {
      LOG.info("{} files restored by an earlier run were kept", skipped);
    }
  }
}
