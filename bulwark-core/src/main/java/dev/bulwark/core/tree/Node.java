package dev.bulwark.core.tree;

import dev.bulwark.core.Id;
import java.time.Instant;
import java.util.List;

/**
 * One entry of a {@link Tree}: restic's node, with the fields in the order restic writes them
 * (restic-format.md §6).
 *
 * <p>Unsigned Go fields are held in {@code long}s: {@code mode}, {@code uid} and {@code gid} are
 * uint32 and must lie in {@code [0, 2^32)}; {@code inode}, {@code deviceId}, {@code size}, {@code
 * links} and {@code device} are uint64 and are read as unsigned (use {@link
 * Long#toUnsignedString}). Zero means "absent" for the fields restic omits when zero.
 *
 * <p>{@code name} and {@code linkTarget} are bytes ({@link FileName}, {@link LinkTarget}), as the
 * file system and restic hold them: a name or target that is not UTF-8 round-trips byte for
 * byte through {@link Tree#toJson()} and {@link Tree#parse}.
 *
 * @param name the file name within its directory: non-empty, no {@code /}
 * @param type what the node is
 * @param mode Go {@code os.FileMode} bits (see {@link GoFileMode}), not a Unix {@code st_mode}
 * @param mtime modification time; {@code null} stands for Go's zero time
 * @param atime access time; {@code null} stands for Go's zero time
 * @param ctime status change time; {@code null} stands for Go's zero time
 * @param uid owner's user id
 * @param gid owner's group id
 * @param user owner's user name; {@code null} is taken as empty
 * @param group owner's group name; {@code null} is taken as empty
 * @param inode {@code st_ino}, with {@code deviceId} the key restic uses to find hard links
 * @param deviceId {@code st_dev}
 * @param size exact file size in bytes, the sum of the content blobs' plaintext lengths
 * @param links {@code st_nlink}; above 1 restic restores equal (inode, deviceId) as hard links
 * @param linkTarget symlink target; {@code null} if none
 * @param device {@code st_rdev} of a device node
 * @param content data blob ids of a file in order, possibly empty; {@code null} for other types
 * @param subtree id of a directory's tree blob; {@code null} for other types
 */
public record Node(
    FileName name,
    NodeType type,
    long mode,
    Instant mtime,
    Instant atime,
    Instant ctime,
    long uid,
    long gid,
    String user,
    String group,
    long inode,
    long deviceId,
    long size,
    long links,
    LinkTarget linkTarget,
    long device,
    List<Id> content,
    Id subtree) {

  private static final long MAX_UINT32 = 0xFFFF_FFFFL;

  /**
   * Validates and normalises.
   *
   * @throws IllegalArgumentException if a uint32 field is out of range; a file has no content
   *     list or a non-file has one; a directory has no subtree or a non-directory has one
   * @throws NullPointerException if {@code name} or {@code type} is null, or content holds a null
   */
  public Node {
    if (name == null) {
      throw new NullPointerException("node name is null");
    }
    if (type == null) {
      throw new NullPointerException("node " + name + " has no type");
    }
    checkUint32("mode", name, mode);
    checkUint32("uid", name, uid);
    checkUint32("gid", name, gid);
    user = user == null ? "" : user;
    group = group == null ? "" : group;
    if ((type == NodeType.FILE) != (content != null)) {
      throw new IllegalArgumentException(
          type == NodeType.FILE
              ? "file " + name + " needs a content list (empty for an empty file)"
              : type.jsonName() + " " + name + " must not have a content list");
    }
    if ((type == NodeType.DIR) != (subtree != null)) {
      throw new IllegalArgumentException(
          type == NodeType.DIR
              ? "directory " + name + " needs a subtree"
              : type.jsonName() + " " + name + " must not have a subtree");
    }
    content = content == null ? null : List.copyOf(content);
  }

  /**
   * A node whose name and link target are the UTF-8 bytes of Java strings; an empty target is
   * none.
   *
   * @throws IllegalArgumentException as the canonical constructor, and if the name is empty or
   *     contains {@code /} or an unpaired surrogate
   */
  public Node(String name, NodeType type, long mode, Instant mtime, Instant atime, Instant ctime,
      long uid, long gid, String user, String group, long inode, long deviceId, long size,
      long links, String linkTarget, long device, List<Id> content, Id subtree) {
    this(FileName.of(name), type, mode, mtime, atime, ctime, uid, gid, user, group, inode,
        deviceId, size, links,
        linkTarget == null || linkTarget.isEmpty() ? null : LinkTarget.of(linkTarget), device,
        content, subtree);
  }

  /**
   * A regular file with no user/group names, inode, device or link count.
   *
   * @param mode Go mode bits; the file type has no type bits, so any given are rejected
   * @param size exact length in bytes; must equal the sum of the blobs' plaintext lengths
   * @param content data blob ids in file order; empty for an empty file
   */
  public static Node file(
      String name,
      long mode,
      Instant mtime,
      Instant atime,
      Instant ctime,
      long uid,
      long gid,
      long size,
      List<Id> content) {
    return new Node(
        name, NodeType.FILE, withTypeBits(NodeType.FILE, mode), mtime, atime, ctime, uid, gid,
        "", "", 0, 0, size, 0, null, 0, content, null);
  }

  /**
   * A directory whose entries are in the tree blob {@code subtree}.
   *
   * @param mode Go mode bits; the directory bit is added if missing
   */
  public static Node dir(
      String name,
      long mode,
      Instant mtime,
      Instant atime,
      Instant ctime,
      long uid,
      long gid,
      Id subtree) {
    return new Node(
        name, NodeType.DIR, withTypeBits(NodeType.DIR, mode), mtime, atime, ctime, uid, gid,
        "", "", 0, 0, 0, 0, null, 0, null, subtree);
  }

  /**
   * A symbolic link to {@code linkTarget}, stored as is (not Go-quoted).
   *
   * @param mode Go mode bits; the symlink bit is added if missing
   */
  public static Node symlink(
      String name,
      long mode,
      Instant mtime,
      Instant atime,
      Instant ctime,
      long uid,
      long gid,
      String linkTarget) {
    return new Node(
        name, NodeType.SYMLINK, withTypeBits(NodeType.SYMLINK, mode), mtime, atime, ctime, uid,
        gid, "", "", 0, 0, 0, 0, linkTarget, 0, null, null);
  }

  /** Adds {@code type}'s bits to {@code mode}, refusing bits of another type. */
  private static long withTypeBits(NodeType type, long mode) {
    long given = mode & GoFileMode.TYPE_MASK;
    long wanted = GoFileMode.typeBits(type);
    if (given != 0 && given != wanted) {
      throw new IllegalArgumentException(
          "Go mode " + mode + " has type bits of another type than " + type.jsonName());
    }
    return mode | wanted;
  }

  private static void checkUint32(String field, FileName name, long value) {
    if (value < 0 || value > MAX_UINT32) {
      throw new IllegalArgumentException(
          field + " of " + name + " is not a uint32: " + value);
    }
  }
}
