package dev.bulwark.core.backend;

import dev.bulwark.core.FileType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where a repository's files are kept. Implementations are thread-safe.
 *
 * <p>Contract: {@link #save} is atomic (a reader sees the whole file or none of it, also after a
 * crash) and never replaces an existing file with different content; a missing file is reported
 * as {@link java.nio.file.NoSuchFileException}; a failure worth retrying as {@link
 * TransientBackendException}.
 */
public interface Backend extends AutoCloseable {
  /**
   * Where this backend stores files, for messages (never contains secrets).
   *
   * @return a path or URL without credentials
   */
  String location();

  /**
   * True if a repository config exists here.
   *
   * @return true if the config file exists
   * @throws IOException if the store cannot be reached
   */
  boolean exists() throws IOException;

  /**
   * Creates the folder structure for a new repository. Idempotent.
   *
   * @throws IOException if the store cannot be written
   */
  void create() throws IOException;

  /**
   * Stores {@code data[off, off+len)} under {@code handle}, atomically and durably.
   *
   * @param handle the file to write; an existing file is replaced
   * @param data the bytes to store
   * @param off where the bytes start in {@code data}
   * @param len how many bytes to store
   * @throws IOException if the file could not be stored; nothing partial is left under its name
   */
  default void save(Handle handle, byte[] data, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, data.length);
    save(handle, List.of(ByteBuffer.wrap(data, off, len)));
  }

  /**
   * Stores the concatenation of {@code parts} (each from its position to its limit) under
   * {@code handle}, atomically and durably. The buffers are read through duplicates, so their
   * positions stay as they were and a retry can read them again; they must not change until
   * this returns.
   *
   * <p>A pack comes in parts so that it never needs one contiguous array: on a small heap,
   * room for 16 MiB in one piece may not be found even when far more is free in total.
   *
   * @param handle the file to write; an existing file is replaced
   * @param parts the file's bytes, in order
   * @throws IOException if the file could not be stored; nothing partial is left under its name
   */
  void save(Handle handle, List<ByteBuffer> parts) throws IOException;

  /**
   * Reads {@code length} bytes from {@code offset}; {@code length < 0} reads to the end.
   *
   * @param handle the file to read
   * @param offset the first byte to read, from the start of the file
   * @param length how many bytes to read; negative for the rest of the file
   * @return the bytes read, exactly {@code length} of them when it is not negative
   * @throws java.nio.file.NoSuchFileException if the file does not exist
   * @throws java.io.EOFException if the file is shorter than requested
   */
  byte[] load(Handle handle, long offset, int length) throws IOException;

  /**
   * The size of a file, or empty if it does not exist.
   *
   * @param handle the file to look at
   * @return the size in bytes, or empty if the file does not exist
   * @throws IOException if the store cannot be reached
   */
  Optional<Long> stat(Handle handle) throws IOException;

  /**
   * Calls {@code consumer} for every file of the given type whose name is a valid id.
   *
   * @param type the kind of files to list
   * @param consumer called once per file
   * @throws IOException if the listing fails
   */
  void list(FileType type, Consumer<FileInfo> consumer) throws IOException;

  /**
   * Calls {@code consumer} for every file directly in {@code folder}, a relative path inside the
   * folder of {@code type} (which must have {@link FileType#hasPathNames path names}), with its
   * name relative to {@code folder}. Files in deeper folders and temporary files are not
   * listed; a folder that does not exist lists nothing. The order is unspecified.
   *
   * @param type the kind of files, one with path names
   * @param folder the folder to list, relative to the kind's folder
   * @param consumer called once per file
   * @throws IOException if the listing fails
   */
  void listFolder(FileType type, String folder, Consumer<FileInfo> consumer) throws IOException;

  /**
   * Calls {@code consumer} for every file at any depth in the folder of {@code type} (which must
   * have {@link FileType#hasPathNames path names}), named by its path relative to that folder
   * ({@code a/b/c}). Temporary files and names that are not valid path names are not listed.
   * The order is unspecified. One listing finds every database and generation of the streams.
   *
   * @param type the kind of files, one with path names
   * @param consumer called once per file
   * @throws IOException if the listing fails
   */
  void listTree(FileType type, Consumer<FileInfo> consumer) throws IOException;

  /**
   * Removes a file; removing a missing file is not an error.
   *
   * @param handle the file to remove
   * @throws IOException if the file exists and could not be removed
   */
  void delete(Handle handle) throws IOException;

  /**
   * Removes the temporary files that writers killed mid-write left behind (restic's and ours
   * are named {@code <name>-tmp-<random>}) and returns how many it removed. Call it only while
   * holding an exclusive repository lock, so that no backup, prune or index writer is active.
   * Writers that work without a repository lock (lock and key files) may be running, so their
   * temporary files are removed only once they are older than {@code lockFreeMinAge}. Backends
   * whose writes leave no temporary files (object stores) remove nothing.
   *
   * @param lockFreeMinAge how old a temporary file of a lock-free writer must be to go
   * @return how many temporary files were removed
   * @throws IOException if listing or removing fails
   */
  default int deleteTempFiles(java.time.Duration lockFreeMinAge) throws IOException {
    return 0;
  }

  /**
   * How many transfers this backend serves well at once.
   *
   * @return the number of parallel uploads and downloads to use; at least 1
   */
  int connections();

  @Override
  void close() throws IOException;
}
