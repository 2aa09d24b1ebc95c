package dev.bulwark.core.fs;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Temporary files only their owner can read ({@code 0600}), for data that must leave the heap
 * on its way to or from a repository: sealed blobs, which are ciphertext, and their plaintext
 * while it is checked. The caller deletes them.
 */
public final class PrivateTempFile {
  private PrivateTempFile() {}

  /**
   * Creates an empty file, readable and writable by its owner only, in {@code java.io.tmpdir}.
   *
   * @param prefix the start of its name, e.g. {@code bulwark-blob-}
   * @return the new file
   * @throws IOException if it cannot be created
   */
  public static Path create(String prefix) throws IOException {
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return Files.createTempFile(prefix, ".tmp", PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-------")));
    }
    return Files.createTempFile(prefix, ".tmp");
  }
}
