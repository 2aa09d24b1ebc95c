package dev.bulwark.core;

import java.util.List;

/** A snapshot was saved, but some files could not be read and are missing from it. */
public class IncompleteBackupException extends BulwarkException {
  private static final long serialVersionUID = 1L;
  private final transient Id snapshot;
  private final List<String> unreadable;

  public IncompleteBackupException(Id snapshot, List<String> unreadable) {
    super("snapshot " + snapshot.shortForm() + " saved, but " + unreadable.size()
        + " file(s) could not be read: " + String.join(", ", unreadable));
    this.snapshot = snapshot;
    this.unreadable = List.copyOf(unreadable);
  }

  /** The snapshot that was saved without the unreadable files. */
  public Id snapshot() {
    return snapshot;
  }

  /** The paths that could not be read. */
  public List<String> unreadable() {
    return unreadable;
  }
}
