package dev.bulwark.core.restore;

/**
 * Conditions on a database restore, for start-up: restore only what is missing, and only if
 * there is something to restore. Without options a restore replaces what is there and fails
 * when there is no snapshot.
 */
public enum RestoreOption {
  /** Do nothing, successfully, when a database is already at the target. */
  IF_DB_NOT_EXISTS,
  /**
   * Do nothing, successfully, when the repository has no snapshot of the database (from the
   * host asked about, or at or before the time asked about). An id that names no snapshot still
   * fails.
   */
  IF_REPLICA_EXISTS,
  /**
   * Fetch every byte from the repository: do not reuse the content of a database already at
   * the target, even where it matches the snapshot (e.g. when that database is suspected).
   */
  NO_DELTA,
  /**
   * Restore the database alone: not the snapshot's other files (key files, configs), which a
   * database restore to the database's own path otherwise brings back to theirs.
   */
  NO_FILES,
  /**
   * Replace an existing file of the snapshot's other files whose content differs (it is kept
   * beside it as {@code NAME.bulwark-old-<UTC time>}); without this such a file stops the restore
   * before anything is changed.
   */
  OVERWRITE_FILES
}
