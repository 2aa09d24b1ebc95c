package dev.bulwark.core.repo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Who and where we run: recorded in snapshots, key files and locks. */
public final class Host {
  private Host() {}

  /** The kernel host name, as Go's os.Hostname returns it (restic compares locks by it). */
  public static String name() {
    try {
      Path p = Path.of("/proc/sys/kernel/hostname");
      if (Files.isReadable(p)) {
        return Files.readString(p, StandardCharsets.UTF_8).trim();
      }
    } catch (IOException e) {
      // fall through to the JDK's view
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  /** The user name of this process. */
  public static String user() {
    return System.getProperty("user.name", "");
  }

  /** The numeric user id, or 0 where unknown. */
  public static long uid() {
    return unixAttribute("uid");
  }

  /** The numeric group id, or 0 where unknown. */
  public static long gid() {
    return unixAttribute("gid");
  }

  /** Reads the real id from /proc/self/status ("Uid:" or "Gid:" line); 0 where unknown. */
  private static long unixAttribute(String name) {
    String prefix = name.equals("uid") ? "Uid:" : "Gid:";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(prefix)) {
          return Long.parseLong(line.substring(prefix.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: leave it unknown
    }
    return 0;
  }
}
