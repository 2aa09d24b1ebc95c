package dev.bulwark.core.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Removing a file or a whole folder tree. */
public final class FileTrees {
  private FileTrees() {}

  /**
   * Removes {@code p} and, if it is a folder, everything under it; missing is fine. Symbolic
   * links are removed, never followed.
   */
  public static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      List<Path> all = s.sorted(Comparator.reverseOrder()).toList();
      for (Path x : all) {
        Files.deleteIfExists(x);
      }
    }
  }
}
