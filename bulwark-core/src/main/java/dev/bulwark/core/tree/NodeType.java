package dev.bulwark.core.tree;

import java.util.Locale;
import java.util.Optional;

/** What a tree node stands for; {@link #jsonName()} is the {@code type} value restic writes. */
public enum NodeType {
  FILE,
  DIR,
  SYMLINK,
  /** A block device. */
  DEV,
  CHARDEV,
  FIFO,
  SOCKET;

  private final String jsonName = name().toLowerCase(Locale.ROOT);

  /** The name in tree JSON: {@code file}, {@code dir}, {@code symlink}, {@code dev}, ... */
  public String jsonName() {
    return jsonName;
  }

  /**
   * The type with this JSON name, or empty for a name restic 0.14 does not write (later restic
   * versions add {@code irregular}, for instance).
   */
  public static Optional<NodeType> fromJsonName(String name) {
    for (NodeType t : values()) {
      if (t.jsonName.equals(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
