package dev.bulwark.core;

/**
 * A source was asked to stream its committed transactions but cannot: only a database whose
 * changes can be captured as they are committed (SQLite in WAL mode) streams. Back such a
 * source up with scheduled snapshots instead.
 */
public class NotReplicableException extends SourceException {
  private static final long serialVersionUID = 1L;

  /**
   * A source that cannot stream.
   *
   * @param message what went wrong and what to do about it, in one line for a person
   */
  public NotReplicableException(String message) {
    super(message);
  }
}
