package dev.bulwark.core.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * One entry of a source view.
 *
 * @param path absolute path recorded in the snapshot
 * @param content opens the file's content (files only; null otherwise)
 * @param linkTarget a symlink's target as read from the file system, which keeps its bytes
 *     (symlinks only; null otherwise)
 * @param alignment chunk sizes are rounded to a multiple of this (a database page size; 1 for
 *     plain files)
 */
public record SourceEntry(Path path, Kind kind, FileMeta meta, @Nullable Content content,
    @Nullable Path linkTarget, int alignment) {
  /** What an entry is. */
  public enum Kind { FILE, DIR, SYMLINK }

  /** Opens the content of a file entry. */
  @FunctionalInterface
  public interface Content {
    InputStream open() throws IOException;
  }

  public SourceEntry {
    if (!path.isAbsolute()) {
      throw new IllegalArgumentException("source paths must be absolute: " + path);
    }
    if (kind == Kind.FILE && content == null) {
      throw new IllegalArgumentException("a file entry needs content: " + path);
    }
    if (kind == Kind.SYMLINK && linkTarget == null) {
      throw new IllegalArgumentException("a symlink entry needs a target: " + path);
    }
    if (alignment < 1) {
      throw new IllegalArgumentException("alignment must be positive");
    }
  }

  /** A file whose content comes from {@code content}. */
  public static SourceEntry file(Path path, FileMeta meta, Content content, int alignment) {
    return new SourceEntry(path, Kind.FILE, meta, content, null, alignment);
  }

  /** A directory. */
  public static SourceEntry dir(Path path, FileMeta meta) {
    return new SourceEntry(path, Kind.DIR, meta, null, null, 1);
  }
}
