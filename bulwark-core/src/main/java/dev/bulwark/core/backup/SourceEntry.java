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
  public enum Kind {
    /** A regular file, whose content is read and chunked. */
    FILE,
    /** A directory; its children are entries of their own. */
    DIR,
    /** A symbolic link, recorded with its target and never followed. */
    SYMLINK
  }

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
    /**
     * Opens the file's content from its start; called once per backup of the entry.
     *
     * @return an input stream over the content; the caller closes it
     * @throws IOException if the content cannot be opened
     */
    InputStream open() throws IOException;
  }

  /**
   * An entry that is always read.
   *
   * @param path the absolute path to record
   * @param kind file, folder or link
   * @param meta permissions, times and owner
   * @param content opens a file's content; null for other kinds
   * @param linkTarget a link's target; null for other kinds
   * @param alignment chunk sizes are rounded to a multiple of this; 1 for plain files
   */
  public SourceEntry(Path path, Kind kind, FileMeta meta, @Nullable Content content,
      @Nullable Path linkTarget, int alignment) {
    this(path, kind, meta, content, linkTarget, alignment, Reuse.NEVER, -1);
  }

  /**
   * Checks the entry is whole: an absolute path, content for a file, a target for a link.
   *
   * @param path the absolute path to record
   * @param kind file, folder or link
   * @param meta permissions, times and owner
   * @param content opens a file's content; null for other kinds
   * @param linkTarget a link's target; null for other kinds
   * @param alignment chunk sizes are rounded to a multiple of this; at least 1
   * @param reuse when the parent's content list may be reused unread
   * @param size the file's size in bytes now, or -1 if unknown
   * @throws IllegalArgumentException if the entry is not whole; the message names the path
   */
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

  /**
   * A file whose content comes from {@code content}.
   *
   * @param path the absolute path to record
   * @param meta permissions, times and owner
   * @param content opens the content, each time it is called
   * @param alignment chunk sizes are rounded to a multiple of this; 1 for plain files
   * @return a file entry, always read
   */
  public static SourceEntry file(Path path, FileMeta meta, Content content, int alignment) {
    return new SourceEntry(path, Kind.FILE, meta, content, null, alignment);
  }

  /**
   * This entry, {@code bytes} long now, reused from the parent snapshot under rule {@code r}.
   *
   * @param r the rule that says the file is unchanged
   * @param bytes the file's size now, in bytes
   * @return a copy that may be reused unread
   */
  public SourceEntry withReuse(Reuse r, long bytes) {
    return new SourceEntry(path, kind, meta, content, linkTarget, alignment, r, bytes);
  }

  /**
   * A directory.
   *
   * @param path the absolute path to record
   * @param meta permissions, times and owner
   * @return a folder entry
   */
  public static SourceEntry dir(Path path, FileMeta meta) {
    return new SourceEntry(path, Kind.DIR, meta, null, null, 1);
  }
}
