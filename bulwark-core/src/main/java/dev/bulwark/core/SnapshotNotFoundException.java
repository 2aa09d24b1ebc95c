package dev.bulwark.core;

/**
 * No snapshot matches what was asked for: an id or prefix that names none, or a database with no
 * snapshot (from the host asked about, or at or before the time asked about).
 */
public class SnapshotNotFoundException extends BulwarkException {
  private static final long serialVersionUID = 1L;

  /**
   * No snapshot matches.
   *
   * @param message what went wrong and what to do about it, in one line for a person
   */
  public SnapshotNotFoundException(String message) {
    super(message);
  }
}
