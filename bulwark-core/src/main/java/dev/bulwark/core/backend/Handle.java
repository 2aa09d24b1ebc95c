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

  /**
   * Checks the name suits the type.
   *
   * @param type the kind of file
   * @param name the file's name
   * @throws IllegalArgumentException if the name is not an id, a path name or empty as {@code type}
   *     asks
   */
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
   *
   * @param type the kind of file
   * @param name the candidate name
   * @return true if a handle of that type and name may be made
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

  /**
   * Checks the arguments of {@link Backend#listFolder}.
   *
   * @param type the kind of files, one with path names
   * @param folder the folder to list, relative to the kind's folder
   * @throws IllegalArgumentException if {@code type} has no path names or {@code folder} is not a
   *     valid relative path
   */
  public static void requireFolder(FileType type, String folder) {
    if (!type.hasPathNames() || !isValidName(type, folder)) {
      throw new IllegalArgumentException("cannot list folder " + folder + " of " + type);
    }
  }

  /**
   * The handle of the repository config file.
   *
   * @return the config's handle
   */
  public static Handle config() {
    return new Handle(FileType.CONFIG, "");
  }

  /**
   * The handle of a file named by {@code id}.
   *
   * @param type the kind of file
   * @param id the file's id, its name in hex
   * @return the handle
   */
  public static Handle of(FileType type, Id id) {
    return new Handle(type, id.toString());
  }

  @Override
  public String toString() {
    return type == FileType.CONFIG ? "config" : type.folder() + "/" + name;
  }
}
