package dev.bulwark.core.tree;

import dev.bulwark.core.Id;
import dev.bulwark.core.IdList;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

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
 * <p>Build one with {@link #builder(String, NodeType)}, which names each field; the canonical
 * constructor takes all eighteen in restic's order.
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
    // Compact: a large file at small chunks has hundreds of thousands of ids.
    content = content == null ? null : IdList.copyOf(content);
  }

  /**
   * Starts a node named by the UTF-8 bytes of {@code name}.
   *
   * @throws IllegalArgumentException if the name is empty or contains {@code /} or an unpaired
   *     surrogate
   */
  public static Builder builder(String name, NodeType type) {
    return new Builder(FileName.of(name), type);
  }

  /** Starts a node with this name, kept as bytes. */
  public static Builder builder(FileName name, NodeType type) {
    return new Builder(name, type);
  }

  /**
   * Builds a {@link Node} field by field, so a call site names each value instead of placing it
   * among eighteen. Every field can be set once (a second call is a caller bug); an unset field
   * takes restic's zero value: mode holds the type's bits only, times are Go's zero time, ids and
   * counts are 0, names empty, and there is no link target, content or subtree. Not thread-safe.
   */
  public static final class Builder {
    private final FileName name;
    private final NodeType type;
    private final EnumSet<Field> set = EnumSet.noneOf(Field.class);
    private long mode;
    private Instant mtime;
    private Instant atime;
    private Instant ctime;
    private long uid;
    private long gid;
    private String user;
    private String group;
    private long inode;
    private long deviceId;
    private long size;
    private long links;
    private LinkTarget linkTarget;
    private long device;
    private List<Id> content;
    private Id subtree;

    private Builder(FileName name, NodeType type) {
      if (name == null) {
        throw new NullPointerException("node name is null");
      }
      if (type == null) {
        throw new NullPointerException("node " + name + " has no type");
      }
      this.name = name;
      this.type = type;
      this.mode = GoFileMode.typeBits(type);
    }

    /** Go {@code os.FileMode} bits exactly as given (a parsed tree keeps what it read). */
    public Builder mode(long goMode) {
      once(Field.MODE);
      this.mode = goMode;
      return this;
    }

    /**
     * The mode of this node's type with chmod-style {@code posixMode} ({@code 0644}, {@code
     * 04755}), converted as {@link GoFileMode#of(NodeType, int)} does.
     *
     * @throws IllegalArgumentException if {@code posixMode} has bits outside {@code 07777}
     */
    public Builder permissions(int posixMode) {
      once(Field.MODE);
      this.mode = GoFileMode.of(type, posixMode);
      return this;
    }

    /** Modification time; {@code null} stands for Go's zero time. */
    public Builder mtime(Instant mtime) {
      once(Field.MTIME);
      this.mtime = mtime;
      return this;
    }

    /** Access time; {@code null} stands for Go's zero time. */
    public Builder atime(Instant atime) {
      once(Field.ATIME);
      this.atime = atime;
      return this;
    }

    /** Status change time; {@code null} stands for Go's zero time. */
    public Builder ctime(Instant ctime) {
      once(Field.CTIME);
      this.ctime = ctime;
      return this;
    }

    /** Owner's user id, a uint32. */
    public Builder uid(long uid) {
      once(Field.UID);
      this.uid = uid;
      return this;
    }

    /** Owner's group id, a uint32. */
    public Builder gid(long gid) {
      once(Field.GID);
      this.gid = gid;
      return this;
    }

    /** Owner's user name; {@code null} is taken as empty. */
    public Builder user(String user) {
      once(Field.USER);
      this.user = user;
      return this;
    }

    /** Owner's group name; {@code null} is taken as empty. */
    public Builder group(String group) {
      once(Field.GROUP);
      this.group = group;
      return this;
    }

    /** {@code st_ino}, read as unsigned. */
    public Builder inode(long inode) {
      once(Field.INODE);
      this.inode = inode;
      return this;
    }

    /** {@code st_dev}, read as unsigned. */
    public Builder deviceId(long deviceId) {
      once(Field.DEVICE_ID);
      this.deviceId = deviceId;
      return this;
    }

    /** Exact file size in bytes, read as unsigned. */
    public Builder size(long size) {
      once(Field.SIZE);
      this.size = size;
      return this;
    }

    /** {@code st_nlink}, read as unsigned. */
    public Builder links(long links) {
      once(Field.LINKS);
      this.links = links;
      return this;
    }

    /** Symlink target as bytes; {@code null} if none. */
    public Builder linkTarget(LinkTarget linkTarget) {
      once(Field.LINKTARGET);
      this.linkTarget = linkTarget;
      return this;
    }

    /**
     * Symlink target as the UTF-8 bytes of {@code linkTarget}, stored as is (not Go-quoted);
     * {@code null} or empty is none.
     */
    public Builder linkTarget(String linkTarget) {
      return linkTarget(
          linkTarget == null || linkTarget.isEmpty() ? null : LinkTarget.of(linkTarget));
    }

    /** {@code st_rdev} of a device node, read as unsigned. */
    public Builder device(long device) {
      once(Field.DEVICE);
      this.device = device;
      return this;
    }

    /** Data blob ids of a file in order (empty for an empty file); copied at build. */
    public Builder content(List<Id> content) {
      once(Field.CONTENT);
      this.content = content;
      return this;
    }

    /** Id of a directory's tree blob. */
    public Builder subtree(Id subtree) {
      once(Field.SUBTREE);
      this.subtree = subtree;
      return this;
    }

    /**
     * The node; the builder may be used again and gives an equal node.
     *
     * @throws IllegalArgumentException as the canonical constructor of {@link Node}
     */
    public Node build() {
      return new Node(name, type, mode, mtime, atime, ctime, uid, gid, user, group, inode,
          deviceId, size, links, linkTarget, device, content, subtree);
    }

    private void once(Field field) {
      if (!set.add(field)) {
        throw new IllegalStateException(
            field.name().toLowerCase(Locale.ROOT) + " of node " + name + " is already set");
      }
    }

    /** The fields a setter can set, named as in restic's JSON. */
    private enum Field {
      MODE, MTIME, ATIME, CTIME, UID, GID, USER, GROUP, INODE, DEVICE_ID, SIZE, LINKS,
      LINKTARGET, DEVICE, CONTENT, SUBTREE
    }
  }

  private static void checkUint32(String field, FileName name, long value) {
    if (value < 0 || value > MAX_UINT32) {
      throw new IllegalArgumentException(
          field + " of " + name + " is not a uint32: " + value);
    }
  }
}
