package dev.bulwark.core.restore;

import java.nio.file.Path;

/**
 * A file a database snapshot carries beside its database (a key file), as a restore would find
 * it at its path: what {@code restore --dry-run} lists.
 *
 * @param path where the file is restored
 * @param size its size in the snapshot
 * @param state what is at {@code path} now
 */
public record TravellingFile(Path path, long size, State state) {
  /** What is at the file's path, compared with the snapshot's copy. */
  public enum State {
    /** Nothing: the file would be written. */
    MISSING,
    /** A file with the snapshot's content: left alone. */
    IDENTICAL,
    /** A file with other content: the restore stops unless it may overwrite it. */
    DIFFERS,
    /** Something that is not a regular file: the restore stops. */
    NOT_A_FILE
  }
}
