package dev.bulwark.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs the peers' command-line tools (restic, sqlite3, the bulwark launcher) for a benchmark:
 * one process at a time, its output kept in a file so a pipe never blocks it, a failure shown
 * with that output.
 */
final class ExternalTool {
  private final Path logDir;
  private final Map<String, String> env;

  /** Tools started with {@code env} added to this process's environment, logs in logDir. */
  ExternalTool(Path logDir, Map<String, String> env) {
    this.logDir = logDir;
    this.env = Map.copyOf(env);
  }

  /** Runs {@code command} in {@code dir}; returns its standard output. */
  String run(Path dir, String... command) throws IOException, InterruptedException {
    Files.createDirectories(logDir);
    Path out = logDir.resolve("last.out");
    Path err = logDir.resolve("last.err");
    ProcessBuilder pb = new ProcessBuilder(List.of(command)).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().putAll(env);
    int rc = pb.start().waitFor();
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    if (rc != 0) {
      throw new IOException(String.join(" ", command) + " exited with " + rc + ":\n" + stdout
          + Files.readString(err, StandardCharsets.UTF_8));
    }
    return stdout;
  }

  /**
   * Flushes the page cache's dirty pages first (so no step's fsync pays for another step's
   * writes), then runs each command in turn; returns the seconds they took together.
   */
  double timed(Path dir, String[]... commands) throws IOException, InterruptedException {
    sync();
    long t0 = System.nanoTime();
    for (String[] c : commands) {
      run(dir, c);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Flushes dirty pages to disk. */
  void sync() throws IOException, InterruptedException {
    run(logDir, "sync");
  }

  /** The machine's load averages over 1, 5 and 15 minutes, as /proc/loadavg shows them. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }
}
