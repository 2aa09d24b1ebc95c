package dev.bulwark.core.restore;

import java.nio.file.Path;

/**
 * Sees the plaintext of every blob a {@link Restorer} writes into a restored file, already
 * checked against its id, so that a caller can compute something over the file's bytes (a
 * database's page checksum) while they are in memory instead of reading the file back.
 * Called from the restore's worker threads, concurrently and in no particular order.
 */
@FunctionalInterface
public interface WrittenBlobs {
  /** Sees nothing. */
  WrittenBlobs NONE = (file, offset, plain) -> { };

  /**
   * {@code plain} was written to {@code file} (its temp name: the same path for every blob of
   * one file) at byte {@code offset}; the array must not be changed.
   */
  void written(Path file, long offset, byte[] plain);
}
