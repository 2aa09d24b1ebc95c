package dev.bulwark.core.backup;

import dev.bulwark.core.BulwarkException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A consistent view of a source: the entries to store, valid until {@link #close()}. */
public interface SourceView extends AutoCloseable {
  /** Absolute paths this view was asked to back up (the snapshot's {@code paths}). */
  List<String> paths();

  /**
   * Calls {@code visitor} for every entry, parents before children. Entries may be visited
   * lazily, so a large tree need not be held in memory.
   */
  void visit(EntryVisitor visitor) throws IOException, BulwarkException;

  /** Bytes of file content this view expects to yield, for progress; -1 if unknown. */
  long estimatedBytes();

  /** Tags describing this source, added to the snapshot. */
  default List<String> tags() {
    return List.of();
  }

  /** Releases what pins the view. Idempotent. */
  @Override
  void close() throws IOException;

  /** Receives entries; may throw to stop the walk. */
  @FunctionalInterface
  interface EntryVisitor {
    void accept(SourceEntry entry) throws IOException, BulwarkException;

    /**
     * An entry that exists but cannot be read (its metadata, its listing, or a path longer than
     * the system allows); the walk goes on without it. By default the walk stops with {@code
     * cause}; the archiver records it and ends the backup incomplete (exit 3), as restic does.
     */
    default void unreadable(Path path, IOException cause) throws IOException, BulwarkException {
      throw cause;
    }
  }
}
