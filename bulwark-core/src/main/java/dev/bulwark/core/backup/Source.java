package dev.bulwark.core.backup;

import dev.bulwark.core.SourceException;

/**
 * Something to back up that can present a consistent view of itself: plain files
 * ({@link FileSource}), a SQLite or a RocksDB database.
 */
public interface Source {
  /**
   * Opens a consistent view. The view pins whatever keeps it consistent (a read transaction, a
   * checkpoint) until it is closed.
   *
   * @return the view, to visit and then close
   * @throws SourceException if the source cannot be opened (missing, locked, unreadable); the
   *     message says which
   */
  SourceView open() throws SourceException;
}
