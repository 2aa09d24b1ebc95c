package dev.bulwark.core.tree;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * Go {@code os.FileMode} bits, which restic stores in a node's {@code mode} (restic-format.md §6).
 *
 * <p>Go keeps the file type and the setuid, setgid and sticky flags in high bits and only the nine
 * permission bits where Unix has them, so a Unix {@code st_mode} such as {@code 0100644} must be
 * converted, never copied. The directory bit is bit 31, hence {@code long}. restic masks a mode
 * to the bits named here before storing it.
 *
 * <table>
 *   <caption>Go mode bits</caption>
 *   <tr><th>bit</th><th>meaning</th><th>Unix</th></tr>
 *   <tr><td>1&lt;&lt;31</td><td>directory</td><td>S_IFDIR</td></tr>
 *   <tr><td>1&lt;&lt;27</td><td>symlink</td><td>S_IFLNK</td></tr>
 *   <tr><td>1&lt;&lt;26</td><td>device (block; with 1&lt;&lt;21: char)</td><td>S_IFBLK</td></tr>
 *   <tr><td>1&lt;&lt;25</td><td>named pipe</td><td>S_IFIFO</td></tr>
 *   <tr><td>1&lt;&lt;24</td><td>socket</td><td>S_IFSOCK</td></tr>
 *   <tr><td>1&lt;&lt;23</td><td>setuid</td><td>04000</td></tr>
 *   <tr><td>1&lt;&lt;22</td><td>setgid</td><td>02000</td></tr>
 *   <tr><td>1&lt;&lt;21</td><td>char device</td><td>S_IFCHR</td></tr>
 *   <tr><td>1&lt;&lt;20</td><td>sticky</td><td>01000</td></tr>
 *   <tr><td>0777</td><td>permissions</td><td>0777</td></tr>
 * </table>
 */
public final class GoFileMode {
  /** A directory ({@code os.ModeDir}). */
  public static final long DIR = 1L << 31;
  /** A symbolic link ({@code os.ModeSymlink}). */
  public static final long SYMLINK = 1L << 27;
  /** A device; a block device unless {@link #CHAR_DEVICE} is also set ({@code os.ModeDevice}). */
  public static final long DEVICE = 1L << 26;
  /** A FIFO ({@code os.ModeNamedPipe}). */
  public static final long NAMED_PIPE = 1L << 25;
  /** A Unix domain socket ({@code os.ModeSocket}). */
  public static final long SOCKET = 1L << 24;
  /** Set-user-id, Unix 04000 ({@code os.ModeSetuid}). */
  public static final long SETUID = 1L << 23;
  /** Set-group-id, Unix 02000 ({@code os.ModeSetgid}). */
  public static final long SETGID = 1L << 22;
  /** A character device, always with {@link #DEVICE} ({@code os.ModeCharDevice}). */
  public static final long CHAR_DEVICE = 1L << 21;
  /** Sticky, Unix 01000 ({@code os.ModeSticky}). */
  public static final long STICKY = 1L << 20;
  /** The rwx bits for owner, group and others, where Unix has them. */
  public static final long PERMISSIONS = 0777;
  /** All type bits, as Go's {@code os.ModeType} (which also has bits restic never stores). */
  public static final long TYPE_MASK = DIR | SYMLINK | DEVICE | NAMED_PIPE | SOCKET | CHAR_DEVICE;

  private static final int UNIX_SETUID = 04000;
  private static final int UNIX_SETGID = 02000;
  private static final int UNIX_STICKY = 01000;
  private static final int UNIX_TYPE_MASK = 0170000;
  private static final PosixFilePermission[] BY_BIT = {
    PosixFilePermission.OTHERS_EXECUTE,
    PosixFilePermission.OTHERS_WRITE,
    PosixFilePermission.OTHERS_READ,
    PosixFilePermission.GROUP_EXECUTE,
    PosixFilePermission.GROUP_WRITE,
    PosixFilePermission.GROUP_READ,
    PosixFilePermission.OWNER_EXECUTE,
    PosixFilePermission.OWNER_WRITE,
    PosixFilePermission.OWNER_READ,
  };

  private GoFileMode() {}

  /**
   * The Go mode for a node of {@code type} with chmod-style {@code posixMode} ({@code 0644},
   * {@code 04755}: permissions plus setuid 04000, setgid 02000, sticky 01000).
   *
   * @throws IllegalArgumentException if {@code posixMode} has bits outside {@code 07777}
   */
  public static long of(NodeType type, int posixMode) {
    if ((posixMode & ~07777) != 0) {
      throw new IllegalArgumentException(
          "not a chmod-style mode (07777 at most): 0" + Integer.toOctalString(posixMode));
    }
    long mode = typeBits(type) | (posixMode & PERMISSIONS);
    if ((posixMode & UNIX_SETUID) != 0) {
      mode |= SETUID;
    }
    if ((posixMode & UNIX_SETGID) != 0) {
      mode |= SETGID;
    }
    if ((posixMode & UNIX_STICKY) != 0) {
      mode |= STICKY;
    }
    return mode;
  }

  /** The Go mode for a node of {@code type} with these permissions and no special flags. */
  public static long of(NodeType type, Set<PosixFilePermission> permissions) {
    int bits = 0;
    for (int i = 0; i < BY_BIT.length; i++) {
      if (permissions.contains(BY_BIT[i])) {
        bits |= 1 << i;
      }
    }
    return of(type, bits);
  }

  /**
   * Converts a Unix {@code st_mode} (as {@code Files.getAttribute(path, "unix:mode")} returns it)
   * the way Go's {@code os.Lstat} does, keeping only the bits restic stores.
   *
   * @throws IllegalArgumentException if the file type bits name no type a node can have
   */
  public static long fromStMode(int stMode) {
    NodeType type =
        switch (stMode & UNIX_TYPE_MASK) {
          case 0100000 -> NodeType.FILE;
          case 0040000 -> NodeType.DIR;
          case 0120000 -> NodeType.SYMLINK;
          case 0060000 -> NodeType.DEV;
          case 0020000 -> NodeType.CHARDEV;
          case 0010000 -> NodeType.FIFO;
          case 0140000 -> NodeType.SOCKET;
          default -> throw new IllegalArgumentException(
              "unknown file type in st_mode 0" + Integer.toOctalString(stMode));
        };
    return of(type, stMode & 07777);
  }

  /** The type bits Go sets for {@code type}; zero for a regular file. */
  public static long typeBits(NodeType type) {
    return switch (type) {
      case FILE -> 0;
      case DIR -> DIR;
      case SYMLINK -> SYMLINK;
      case DEV -> DEVICE;
      case CHARDEV -> DEVICE | CHAR_DEVICE;
      case FIFO -> NAMED_PIPE;
      case SOCKET -> SOCKET;
    };
  }

  /**
   * The node type the type bits of {@code goMode} name, as restic derives it.
   *
   * @throws IllegalArgumentException for a combination of type bits that names no type
   */
  public static NodeType typeOf(long goMode) {
    long bits = goMode & TYPE_MASK;
    for (NodeType t : NodeType.values()) {
      if (typeBits(t) == bits) {
        return t;
      }
    }
    throw new IllegalArgumentException("inconsistent type bits in Go mode " + goMode);
  }

  /** Chmod-style bits ({@code 07777}): permissions plus setuid, setgid and sticky. */
  public static int toPosixMode(long goMode) {
    int mode = (int) (goMode & PERMISSIONS);
    if ((goMode & SETUID) != 0) {
      mode |= UNIX_SETUID;
    }
    if ((goMode & SETGID) != 0) {
      mode |= UNIX_SETGID;
    }
    if ((goMode & STICKY) != 0) {
      mode |= UNIX_STICKY;
    }
    return mode;
  }

  /**
   * The nine permission bits as a mutable set; setuid, setgid and sticky have no {@link
   * PosixFilePermission} and are left out (see {@link #toPosixMode}).
   */
  public static Set<PosixFilePermission> toPermissions(long goMode) {
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < BY_BIT.length; i++) {
      if ((goMode & (1L << i)) != 0) {
        perms.add(BY_BIT[i]);
      }
    }
    return perms;
  }
}
