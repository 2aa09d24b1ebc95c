package dev.bulwark.core;

/** The kinds of file a repository holds, each in its own folder. */
public enum FileType {
  CONFIG("config"),
  KEY("keys"),
  PACK("data"),
  INDEX("index"),
  SNAPSHOT("snapshots"),
  LOCK("locks"),
  /**
   * Bulwark's stream segments, under a folder restic does not know. Their names are relative
   * paths ({@code <database>/<generation>/<segment>}), not ids; see {@link #hasPathNames}.
   */
  STREAM("bulwark/streams"),
  /**
   * Bulwark's stream leases (one writer per stream), under a folder restic does not know,
   * named by relative path ({@code <database>/<claim>}) like {@link #STREAM}.
   */
  LEASE("bulwark/leases"),
  /**
   * Small records Bulwark keeps about itself (a daemon's schedule and history per host and
   * database), under a folder restic does not know, named by relative path like {@link
   * #STREAM}.
   */
  STATE("bulwark/state"),
  /**
   * Bulwark's lock requests: a process waiting for the repository lock asks the jobs that hold
   * it to yield at their next checkpoint. Under a folder restic does not know, each named by
   * the random id of one waiting process.
   */
  LOCK_REQUEST("bulwark/lock-requests");

  private final String folder;

  FileType(String folder) {
    this.folder = folder;
  }

  /** True if files of this kind are named by a relative path inside the folder, not an id. */
  public boolean hasPathNames() {
    return this == STREAM || this == LEASE || this == STATE || this == LOCK_REQUEST;
  }

  /** The folder (or, for the config, the file name) under the repository root. */
  public String folder() {
    return folder;
  }
}
