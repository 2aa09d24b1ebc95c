package dev.bulwark.core;

/** The two kinds of blob a pack holds: file content and directory listings. */
public enum BlobType {
  DATA("data"),
  TREE("tree");

  private final String json;

  BlobType(String json) {
    this.json = json;
  }

  /** The name restic uses in index files: {@code "data"} or {@code "tree"}. */
  public String jsonName() {
    return json;
  }

  /** Parses restic's index name; anything else is an error, as in restic. */
  public static BlobType fromJson(String name) {
    return switch (name) {
      case "data" -> DATA;
      case "tree" -> TREE;
      default -> throw new IllegalArgumentException("invalid blob type " + name);
    };
  }
}
