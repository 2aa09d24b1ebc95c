package dev.bulwark.core.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Temporary things a Bulwark process puts beside a target (staging copies, checkpoints,
 * scratch copies) carry its pid in their names: {@code PREFIX + pid + "-" + anything}. After a
 * kill -9 nobody removes them; the next run finds those whose process is gone.
 */
public final class Leftovers {
  private Leftovers() {}

  /** The name prefix plus this process's pid, for a new temporary thing. */
  public static String ownName(String prefix) {
    return prefix + ProcessHandle.current().pid();
  }

  /**
   * Entries of {@code dir} named {@code prefix + pid...} whose process no longer runs. Names
   * with the prefix but no pid after it are not ours and are left out.
   */
  public static List<Path> abandoned(Path dir, String prefix) throws IOException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(x -> x.getFileName().toString().startsWith(prefix)).toList()) {
        String rest = p.getFileName().toString().substring(prefix.length());
        int dash = rest.indexOf('-');
        long pid;
        try {
          pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
        } catch (NumberFormatException e) {
          continue;
        }
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          out.add(p);
        }
      }
    }
    return out;
  }
}
