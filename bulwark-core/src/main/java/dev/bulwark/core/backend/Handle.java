package dev.bulwark.core.backend;

import dev.bulwark.core.FileType;
import dev.bulwark.core.Id;
import java.util.regex.Pattern;

/**
 * Names one file in a repository: its kind and its name (an id in hex; empty for the config; a
 * relative path of safe segments for kinds with {@link FileType#hasPathNames path names}).
 */
public record Handle(FileType type, String name) {
  private static final Pattern PATH_NAME =
      Pattern.compile("[0-9a-z][0-9a-z._-]{0,99}(/[0-9a-z][0-9a-z._-]{0,99}){0,3}");

  public Handle {
    if (type == null || name == null) {
      throw new IllegalArgumentException("type and name are required");
    }
    if (!isValidName(type, name)) {
      throw new IllegalArgumentException("invalid name for " + type + ": " + name);
    }
  }

  /**
   * True if {@code name} can name a file of {@code type}. A path name has at most four
   * segments of lowercase letters, digits, '.', '_' and '-', no "..", and never contains
   * "-tmp-", the mark of a writer's temporary file.
   */
  public static boolean isValidName(FileType type, String name) {
    if (type == FileType.CONFIG) {
      return name.isEmpty();
    }
    if (type.hasPathNames()) {
      return PATH_NAME.matcher(name).matches() && !name.contains("..")
          && !name.contains("-tmp-");
    }
    return Id.isValid(name);
  }

  /** Checks the arguments of {@link Backend#listFolder}. */
  public static void requireFolder(FileType type, String folder) {
    if (!type.hasPathNames() || !isValidName(type, folder)) {
      throw new IllegalArgumentException("cannot list folder " + folder + " of " + type);
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
