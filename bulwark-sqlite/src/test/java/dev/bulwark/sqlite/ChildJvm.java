package dev.bulwark.sqlite;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a main class of the test sources in a child JVM, its stderr to a file. */
final class ChildJvm {
  private ChildJvm() {}

  static Process start(Path stderr, Class<?> main, String... args) throws IOException {
    return start(stderr, List.of(), main, args);
  }

  /** As above, with {@code jvmOptions} (such as system properties) before the class. */
  static Process start(Path stderr, List<String> jvmOptions, Class<?> main, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx128m");
    cmd.addAll(jvmOptions);
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
  }
}
