package dev.bulwark.core.stream;

/**
 * How durable a committed transaction must be before the call that waits for it returns. Each
 * mode is at least as strong as the one before it.
 */
public enum Durability {
  /**
   * Return at once: the transaction is shipped within the sync interval, so a machine lost now
   * loses at most that much.
   */
  ASYNC,
  /**
   * Return once the transaction's pages are fsynced in the replicator's local stream log
   * beside the database; they are shipped later, and a replicator restarted after a crash
   * ships them first, even if SQLite restarted the WAL meanwhile.
   */
  LOCAL,
  /** Return only once the transaction is durable in the repository. */
  SYNC
}
