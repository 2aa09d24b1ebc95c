package dev.bulwark.core;

/** The kinds of file a repository holds, each in its own folder. */
public enum FileType {
  CONFIG("config"),
  KEY("keys"),
  PACK("data"),
  INDEX("index"),
  SNAPSHOT("snapshots"),
  LOCK("locks");

  private final String folder;

  FileType(String folder) {
    this.folder = folder;
  }

  /** The folder (or, for the config, the file name) under the repository root. */
  public String folder() {
    return folder;
  }
}
