package dev.bulwark.core.fs;

import dev.bulwark.core.tree.FileName;
import dev.bulwark.core.tree.NativeNames;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The one way Bulwark writes a file it must not lose: a temp name beside the target, fsync,
 * rename, fsync of the directory. A crash at any instant leaves the old file or the new one.
 */
public final class AtomicFiles {
  /** Permissions of every file Bulwark creates: owner read and write only. */
  public static final Set<PosixFilePermission> FILE_PERMISSIONS =
      PosixFilePermissions.fromString("rw-------");
  /** Permissions of every folder Bulwark creates: owner only. */
  public static final Set<PosixFilePermission> DIR_PERMISSIONS =
      PosixFilePermissions.fromString("rwx------");

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final boolean POSIX =
      java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private AtomicFiles() {}

  /** Writes {@code data[off, off+len)} to {@code target} atomically, replacing it if present. */
  public static void write(Path target, byte[] data, int off, int len) throws IOException {
    write(target, List.of(ByteBuffer.wrap(data, off, len)));
  }

  /**
   * Writes the concatenation of {@code parts} (each from its position to its limit, read
   * through a duplicate) to {@code target} the same way.
   */
  public static void write(Path target, List<ByteBuffer> parts) throws IOException {
    Path tmp = tempSibling(target);
    try {
      try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE), fileAttributes())) {
        for (ByteBuffer part : parts) {
          ByteBuffer buf = part.duplicate();
          while (buf.hasRemaining()) {
            ch.write(buf);
          }
        }
        ch.force(true);
      }
      moveIntoPlace(tmp, target);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
  }

  /** Renames {@code tmp} to {@code target} atomically and makes the rename durable. */
  public static void moveIntoPlace(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("file system cannot rename atomically: " + target, e);
    }
    fsyncDirectory(target.toAbsolutePath().getParent());
  }

  /** The longest file name Linux file systems take, in bytes. */
  public static final int MAX_NAME_BYTES = 255;

  /**
   * A fresh name beside {@code target}, as restic names its temp files: {@code
   * <name>-tmp-<16 hex>}. When that would pass the 255-byte limit, the name is cut short
   * first, so a file whose own name is at the limit still gets a temp name (the random part
   * keeps it unique; "-tmp-" keeps it recognisable for cleanup).
   */
  public static Path tempSibling(Path target) {
    byte[] r = new byte[8];
    RANDOM.nextBytes(r);
    // From the name's bytes: its string form loses bytes the JVM's file-name encoding cannot
    // decode (any non-ASCII byte under LC_ALL=C), and encoding such a string back fails.
    Path abs = target.toAbsolutePath();
    byte[] name = NativeNames.fileName(abs).bytes();
    byte[] suffix = ("-tmp-" + HexFormat.of().formatHex(r)).getBytes(StandardCharsets.US_ASCII);
    int keep = Math.min(name.length, MAX_NAME_BYTES - suffix.length);
    byte[] tmp = Arrays.copyOf(name, keep + suffix.length);
    System.arraycopy(suffix, 0, tmp, keep, suffix.length);
    return NativeNames.resolve(abs.getParent(), FileName.of(tmp));
  }

  /**
   * A name for things Bulwark keeps beside {@code target} (staging copies, the previous
   * database, scratch folders), to which up to {@code room} bytes of suffix are added: the
   * target's own name when it is plain ASCII and short enough, else a stand-in of its ASCII
   * characters (at most 64) and the first 8 hex digits of the SHA-256 of its bytes. The result
   * is the same for the same target, so a later run finds what an earlier one left; it is
   * ASCII, so it survives any file-name encoding (a non-ASCII name under {@code LC_ALL=C}
   * cannot be turned back into a path from its string form).
   */
  public static String siblingBase(Path target, int room) {
    byte[] name = NativeNames.fileName(target.toAbsolutePath()).bytes();
    boolean ascii = true;
    for (byte b : name) {
      ascii &= b >= 0x20 && b < 0x7f;
    }
    if (ascii && name.length + room <= MAX_NAME_BYTES) {
      return new String(name, StandardCharsets.US_ASCII);
    }
    StringBuilder plain = new StringBuilder();
    for (byte b : name) {
      if (b >= 0x21 && b < 0x7f && plain.length() < 64) {
        plain.append((char) b);
      }
    }
    try {
      byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(name);
      return plain + "~" + HexFormat.of().formatHex(h, 0, 4);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Creates {@code dir} and missing parents with permissions 0700. */
  public static void createDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      createDirectories(parent);
    }
    try {
      if (POSIX) {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_PERMISSIONS));
      } else {
        Files.createDirectory(dir);
      }
      if (parent != null) {
        fsyncDirectory(parent);
      }
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw e;
      }
    }
  }

  /** Attributes for a new private file (empty where the file system is not POSIX). */
  public static FileAttribute<?>[] fileAttributes() {
    return POSIX
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_PERMISSIONS)}
        : new FileAttribute<?>[0];
  }

  /** Makes the entries of {@code dir} durable; a no-op where directories cannot be opened. */
  public static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some platforms (Windows) cannot open a directory; durability there is the OS's job.
      if (POSIX) {
        throw e;
      }
    }
  }
}
