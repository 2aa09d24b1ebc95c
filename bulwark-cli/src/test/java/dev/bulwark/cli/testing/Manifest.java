package dev.bulwark.cli.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a file tree looks like, entry by entry, so that a source tree recorded at backup time can
 * be compared with what a restore produced: relative path to a one-line description (type, size,
 * SHA-256 of the content, permissions, modification time; symlinks by target).
 *
 * <p>Only a hash per file is kept, so several states of a large tree can be remembered cheaply.
 */
public final class Manifest {
  private Manifest() {}

  /**
   * Describes {@code root} and everything below it (without following symlinks). Keys are paths
   * relative to {@code root} with {@code /} separators; {@code ""} is {@code root} itself.
   */
  public static Map<String, String> of(Path root) {
    Map<String, String> out = new TreeMap<>();
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
          out.put(key(root, d), describe(d, a));
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
          out.put(key(root, f), describe(f, a));
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * Asserts that {@code restoredRoot} holds exactly the entries of {@code expected} (same kinds,
   * content, permissions, times, link targets), naming every missing, extra or differing entry.
   */
  public static void assertMatches(Map<String, String> expected, Path restoredRoot, String what) {
    assertThat(Files.exists(restoredRoot, LinkOption.NOFOLLOW_LINKS))
        .as("%s: %s exists", what, restoredRoot).isTrue();
    Map<String, String> actual = of(restoredRoot);
    Set<String> keys = new TreeSet<>(expected.keySet());
    keys.addAll(actual.keySet());
    List<String> problems = new ArrayList<>();
    for (String k : keys) {
      String e = expected.get(k);
      String a = actual.get(k);
      if (a == null) {
        problems.add("missing    '" + k + "': " + e);
      } else if (e == null) {
        problems.add("unexpected '" + k + "': " + a);
      } else if (!e.equals(a)) {
        problems.add("differs    '" + k + "':\n      expected " + e + "\n      restored " + a);
      }
    }
    if (!problems.isEmpty()) {
      fail("%s: %d of %d entries differ under %s:%n  %s", what, problems.size(), keys.size(),
          restoredRoot, String.join("\n  ", problems));
    }
  }

  /** Where a restore into {@code target} puts the backed-up path {@code original}. */
  public static Path restored(Path target, Path original) {
    Path abs = original.toAbsolutePath();
    return target.resolve(abs.getRoot().relativize(abs).toString());
  }

  private static String key(Path root, Path p) {
    return root.relativize(p).toString();
  }

  private static String describe(Path p, BasicFileAttributes a) throws IOException {
    if (a.isSymbolicLink()) {
      return "symlink -> " + Files.readSymbolicLink(p);
    }
    String mode = PosixFilePermissions.toString(
        Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    String mtime = a.lastModifiedTime().toInstant().toString();
    if (a.isDirectory()) {
      return "dir mode=" + mode + " mtime=" + mtime;
    }
    if (a.isRegularFile()) {
      return "file size=" + a.size() + " sha256=" + TestFiles.sha256(p) + " mode=" + mode
          + " mtime=" + mtime;
    }
    return "other";
  }
}
