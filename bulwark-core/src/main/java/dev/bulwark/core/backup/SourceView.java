package dev.bulwark.core.backup;

import dev.bulwark.core.BulwarkException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A consistent view of a source: the entries to store, valid until {@link #close()}. */
public interface SourceView extends AutoCloseable {
  /**
   * Absolute paths this view was asked to back up (the snapshot's {@code paths}).
   *
   * @return the paths, absolute
   */
  List<String> paths();

  /**
   * Calls {@code visitor} for every entry, parents before children. Entries may be visited
   * lazily, so a large tree need not be held in memory.
   *
   * @param visitor told of each entry
   * @throws IOException if reading the source fails, or the visitor fails to store an entry
   * @throws BulwarkException if the visitor stops the walk
   */
  void visit(EntryVisitor visitor) throws IOException, BulwarkException;

  /**
   * Bytes of file content this view expects to yield, for progress; -1 if unknown.
   *
   * @return expected bytes, or -1
   */
  long estimatedBytes();

  /**
   * Tags describing this source, added to the snapshot.
   *
   * @return the tags, e.g. the database kind; none by default
   */
  default List<String> tags() {
    return List.of();
  }

  /** Releases what pins the view. Idempotent. */
  @Override
  void close() throws IOException;

  /** Receives entries; may throw to stop the walk. */
  @FunctionalInterface
  interface EntryVisitor {
    /**
     * Receives one entry.
     *
     * @param entry the entry, after its parent
     * @throws IOException if the entry cannot be stored
     * @throws BulwarkException if the backup must stop
     */
    void accept(SourceEntry entry) throws IOException, BulwarkException;

    /**
     * An entry that exists but cannot be read (its metadata, its listing, or a path longer than
     * the system allows); the walk goes on without it. By default the walk stops with {@code
     * cause}; the archiver records it and ends the backup incomplete (exit 3), as restic does.
     *
     * @param path the entry that could not be read
     * @param cause why it could not be read
     * @throws IOException {@code cause}, by default
     * @throws BulwarkException if the visitor stops the walk for it
     */
    default void unreadable(Path path, IOException cause) throws IOException, BulwarkException {
      throw cause;
    }
  }
}
