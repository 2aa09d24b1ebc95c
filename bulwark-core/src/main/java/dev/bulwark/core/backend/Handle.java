package dev.bulwark.core.backend;

import dev.bulwark.core.FileType;
import dev.bulwark.core.Id;

/**
 * Names one file in a repository: its kind and its name (an id in hex; empty for the config).
 */
public record Handle(FileType type, String name) {
  public Handle {
    if (type == null || name == null) {
      throw new IllegalArgumentException("type and name are required");
    }
    if (type == FileType.CONFIG ? !name.isEmpty() : !Id.isValid(name)) {
      throw new IllegalArgumentException("invalid name for " + type + ": " + name);
    }
  }

  /** The handle of the repository config file. */
  public static Handle config() {
    return new Handle(FileType.CONFIG, "");
  }

  /** The handle of a file named by {@code id}. */
  public static Handle of(FileType type, Id id) {
    return new Handle(type, id.toString());
  }

  @Override
  public String toString() {
    return type == FileType.CONFIG ? "config" : type.folder() + "/" + name;
  }
}
