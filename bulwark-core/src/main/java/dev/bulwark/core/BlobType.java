package dev.bulwark.core;

/** The two kinds of blob a pack holds: file content and directory listings. */
public enum BlobType {
  /** File content, cut into chunks. */
  DATA("data"),
  /** A directory listing (a tree), JSON naming its entries' blobs. */
  TREE("tree");

  private final String json;

  BlobType(String json) {
    this.json = json;
  }

  /**
   * The name restic uses in index files: {@code "data"} or {@code "tree"}.
   *
   * @return the name in index files
   */
  public String jsonName() {
    return json;
  }

  /**
   * Parses restic's index name; anything else is an error, as in restic.
   *
   * @param name the type as an index file writes it
   * @return the blob type
   * @throws IllegalArgumentException if {@code name} is neither {@code "data"} nor {@code "tree"}
   */
  public static BlobType fromJson(String name) {
    return switch (name) {
      case "data" -> DATA;
      case "tree" -> TREE;
      default -> throw new IllegalArgumentException("invalid blob type " + name);
    };
  }
}
