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
 * @param reuse when a file may keep the parent snapshot's content list without being read
 * @param size a file's size in bytes as the source sees it now, for {@code reuse}; -1 where
 *     unknown (then it is always read)
 */
public record SourceEntry(Path path, Kind kind, FileMeta meta, @Nullable Content content,
    @Nullable Path linkTarget, int alignment, Reuse reuse, long size) {
  /** What an entry is. */
  public enum Kind { FILE, DIR, SYMLINK }

  /**
   * When a file is known unchanged since the parent snapshot, so its content list is reused
   * without reading it. Only the source knows which rule is true of its files; the default is
   * to read.
   */
  public enum Reuse {
    /** Always read (a database copy: its metadata says nothing about its content). */
    NEVER,
    /** Unchanged when size, mtime, ctime and inode equal the parent's (restic's rule). */
    IF_METADATA_EQUAL,
    /**
     * Unchanged when the parent has a file of the same name, size and mtime: files that are
     * never rewritten under their name (RocksDB's tables and blob files), whose ctime changes
     * when a checkpoint links them. The mtime tells a table of a database created again under
     * a reused number.
     */
    IF_SIZE_EQUAL
  }

  /** Opens the content of a file entry. */
  @FunctionalInterface
  public interface Content {
    InputStream open() throws IOException;
  }

  /** An entry that is always read. */
  public SourceEntry(Path path, Kind kind, FileMeta meta, @Nullable Content content,
      @Nullable Path linkTarget, int alignment) {
    this(path, kind, meta, content, linkTarget, alignment, Reuse.NEVER, -1);
  }

  public SourceEntry {
    java.util.Objects.requireNonNull(reuse, "reuse");
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

  /** This entry, {@code bytes} long now, reused from the parent snapshot under rule {@code r}. */
  public SourceEntry withReuse(Reuse r, long bytes) {
    return new SourceEntry(path, kind, meta, content, linkTarget, alignment, r, bytes);
  }

  /** A directory. */
  public static SourceEntry dir(Path path, FileMeta meta) {
    return new SourceEntry(path, Kind.DIR, meta, null, null, 1);
  }
}
