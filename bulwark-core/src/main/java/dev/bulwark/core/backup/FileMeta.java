package dev.bulwark.core.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * The metadata recorded for an entry.
 *
 * @param permissions Unix permission bits (e.g. 0644), without the file type
 * @param inode inode number, 0 where unknown; with {@code deviceId} it lets restic recognise an
 *     unchanged file when it backs up on top of a Bulwark snapshot
 * @param links hard link count, 0 where unknown
 */
public record FileMeta(int permissions, Instant mtime, Instant atime, Instant ctime, long uid,
    long gid, String user, String group, long inode, long deviceId, long links) {

  /**
   * Reads an entry's metadata without following a final symlink.
   *
   * @param p the path of the entry
   * @return its metadata, with 0 for what the file system does not tell
   * @throws IOException if the entry cannot be read
   */
  public static FileMeta of(Path p) throws IOException {
    try {
      Map<String, Object> a = Files.readAttributes(p,
          "unix:mode,uid,gid,ctime,owner,group,ino,dev,nlink", LinkOption.NOFOLLOW_LINKS);
      PosixFileAttributes pa = Files.readAttributes(p, PosixFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS);
      int mode = ((Number) a.get("mode")).intValue() & 07777;
      return new FileMeta(mode, pa.lastModifiedTime().toInstant(),
          pa.lastAccessTime().toInstant(),
          ((java.nio.file.attribute.FileTime) a.get("ctime")).toInstant(),
          ((Number) a.get("uid")).longValue(), ((Number) a.get("gid")).longValue(),
          pa.owner().getName(), pa.group().getName(), ((Number) a.get("ino")).longValue(),
          ((Number) a.get("dev")).longValue(), ((Number) a.get("nlink")).longValue());
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      var basic = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS);
      int mode = basic.isDirectory() ? 0755 : 0644;
      Instant m = basic.lastModifiedTime().toInstant();
      return new FileMeta(mode, m, basic.lastAccessTime().toInstant(), m, 0, 0, "", "", 0, 0, 0);
    }
  }

  /**
   * Metadata for content that has no file of its own (a database view): 0600, now.
   *
   * @param time the time recorded as mtime, atime and ctime
   * @return owner-only metadata (0600) with no owner recorded (uid and gid 0, no names)
   */
  public static FileMeta synthetic(Instant time) {
    return new FileMeta(0600, time, time, time, 0, 0, "", "", 0, 0, 0);
  }

  /**
   * This metadata with other permission bits.
   *
   * @param mode the new permission bits, e.g. 0600
   * @return a copy with those permissions
   */
  public FileMeta withPermissions(int mode) {
    return new FileMeta(mode, mtime, atime, ctime, uid, gid, user, group, inode, deviceId, links);
  }

  /**
   * The permissions as a set, for {@code Files.setPosixFilePermissions}.
   *
   * @param mode Unix permission bits, e.g. 0640
   * @return the same permissions as a set
   */
  public static Set<PosixFilePermission> permissionSet(int mode) {
    StringBuilder sb = new StringBuilder(9);
    String rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; i++) {
      sb.append((mode & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
    }
    return PosixFilePermissions.fromString(sb.toString());
  }
}
