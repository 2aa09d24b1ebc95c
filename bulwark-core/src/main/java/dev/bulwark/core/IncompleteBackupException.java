package dev.bulwark.core;

import java.util.List;

/** A snapshot was saved, but some files could not be read and are missing from it. */
public class IncompleteBackupException extends BulwarkException {
  private static final long serialVersionUID = 1L;
  private final transient Id snapshot;
  /** The paths that could not be read. */
  private final List<String> unreadable;

  /**
   * The backup saved {@code snapshot} without the files at {@code unreadable}.
   *
   * @param snapshot the id of the snapshot that was saved
   * @param unreadable the paths that could not be read; the message names them all
   */
  public IncompleteBackupException(Id snapshot, List<String> unreadable) {
    super("snapshot " + snapshot.shortForm() + " saved, but " + unreadable.size()
        + " file(s) could not be read: " + String.join(", ", unreadable));
    this.snapshot = snapshot;
    this.unreadable = List.copyOf(unreadable);
  }

  /**
   * The snapshot that was saved without the unreadable files.
   *
   * @return the saved snapshot's id, to inspect or forget it
   */
  public Id snapshot() {
    return snapshot;
  }

  /**
   * The paths that could not be read.
   *
   * @return the unreadable paths, to fix their permissions or exclude them
   */
  public List<String> unreadable() {
    return unreadable;
  }
}
