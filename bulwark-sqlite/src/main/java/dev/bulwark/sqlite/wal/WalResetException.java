package dev.bulwark.sqlite.wal;

/**
 * The WAL is no longer the one a position was taken in: SQLite restarted it (new salts after a
 * checkpoint), rewrote or removed it. Frames after the position may be lost; a replicator must
 * start a new history rather than continue.
 */
public final class WalResetException extends Exception {
  private static final long serialVersionUID = 1L;

  WalResetException(String message) {
    super(message);
  }
}
