package dev.bulwark.sqlite.wal;

/**
 * One frame of a committed transaction: a page image to write at {@code pageNumber}.
 *
 * @param index index of the frame in the WAL, from 0
 * @param pageNumber database page number, from 1
 * @param dbSizeAfterCommit database size in pages if this is a commit frame, else 0
 * @param page the page's bytes (page size long)
 */
public record WalFrame(long index, int pageNumber, int dbSizeAfterCommit, byte[] page) {
  /** True for the last frame of a transaction. */
  public boolean isCommit() {
    return dbSizeAfterCommit != 0;
  }
}
