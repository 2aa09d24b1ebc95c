package dev.bulwark.sqlite.wal;

/**
 * Transactions may have been committed that the follower can no longer read: SQLite restarted
 * or truncated the WAL at a moment when nothing proves that every frame of the previous log had
 * been read. The history cannot continue; a new one must start from a fresh snapshot. The
 * message says why, for the log a user reads.
 */
public final class WalGapException extends Exception {
  private static final long serialVersionUID = 1L;

  WalGapException(String message) {
    super(message);
  }
}
