package dev.bulwark.core;

/** The kinds of file a repository holds, each in its own folder. */
public enum FileType {
  /** The repository's config file, at the root. */
  CONFIG("config"),
  /** The keys, each holding the master key encrypted with one password. */
  KEY("keys"),
  /** The packs, holding the encrypted blobs. */
  PACK("data"),
  /** The index files, telling which pack holds each blob. */
  INDEX("index"),
  /** The snapshots, one file each. */
  SNAPSHOT("snapshots"),
  /** The locks of processes working on the repository. */
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

  /**
   * True if files of this kind are named by a relative path inside the folder, not an id.
   *
   * @return true for Bulwark's own folders ({@link #STREAM}, {@link #LEASE}, {@link #STATE},
   *     {@link #LOCK_REQUEST})
   */
  public boolean hasPathNames() {
    return this == STREAM || this == LEASE || this == STATE || this == LOCK_REQUEST;
  }

  /**
   * The folder (or, for the config, the file name) under the repository root.
   *
   * @return the folder's path relative to the root, e.g. {@code "data"}, {@code "bulwark/streams"}
   */
  public String folder() {
    return folder;
  }
}
