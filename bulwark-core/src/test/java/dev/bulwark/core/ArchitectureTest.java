package dev.bulwark.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages of bulwark-core form layers, and imports only point down: a package never names
 * one of its own layer or above. Reads the sources, so a new back-edge fails the build.
 */
class ArchitectureTest {
  /** Layer of each package under dev.bulwark.core; "" is the root package. */
  private static final Map<String, Integer> LAYERS = Map.ofEntries(
      Map.entry("", 0),
      Map.entry("crypto", 1), Map.entry("chunk", 1), Map.entry("tree", 1),
      Map.entry("concurrent", 1),
      // Above tree: writing a file beside a user's file needs that name's exact bytes.
      Map.entry("fs", 2),
      Map.entry("backend", 3),
      Map.entry("pack", 4),
      Map.entry("index", 5),
      Map.entry("repo", 6),
      Map.entry("backup", 7), Map.entry("retention", 7),
      Map.entry("restore", 8), Map.entry("check", 8), Map.entry("prune", 8),
      Map.entry("api", 9));
  private static final Pattern IMPORT =
      Pattern.compile("^import (?:static )?dev\\.bulwark\\.core\\.((?:[a-z]+\\.)*)[A-Z]",
          Pattern.MULTILINE);

  @Test
  void importsPointOnlyDown() throws IOException {
    Path root = Path.of("src/main/java/dev/bulwark/core");
    List<String> violations = new ArrayList<>();
    int files = 0;
    try (Stream<Path> s = Files.walk(root)) {
      for (Path f : s.filter(p -> p.toString().endsWith(".java")).toList()) {
        files++;
        String own = root.relativize(f.getParent()).toString().replace('/', '.');
        Integer ownLayer = LAYERS.get(own);
        assertThat(ownLayer).as("package %s has a layer in this test", own).isNotNull();
        Matcher m = IMPORT.matcher(Files.readString(f));
        while (m.find()) {
          String target = m.group(1).isEmpty() ? "" : m.group(1).substring(0,
              m.group(1).length() - 1);
          if (target.equals(own)) {
            continue;
          }
          Integer targetLayer = LAYERS.get(target);
          if (targetLayer == null || targetLayer >= ownLayer) {
            violations.add(root.relativize(f) + " imports dev.bulwark.core." + target);
          }
        }
      }
    }
    assertThat(files).isGreaterThan(50);
    assertThat(violations).isEmpty();
  }
}
