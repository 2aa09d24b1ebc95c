package dev.bulwark.rocksdb;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test's child JVM running a {@code main} from the test classpath: its stdout read line by
 * line, its stderr kept in a file, its stdin a pipe it may block on until killed.
 */
final class ChildJvm implements AutoCloseable {
  private static final String EOF = "\u0000eof";
  private final Process process;
  private final Path stderr;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> seen = new ArrayList<>();

  private ChildJvm(Process process, Path stderr) {
    this.process = process;
    this.stderr = stderr;
    Thread reader = new Thread(this::pump, "test-child-stdout-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  static ChildJvm start(Path stderr, Class<?> main, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), main.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(stderr.toFile());
    return new ChildJvm(pb.start(), stderr);
  }

  private void pump() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        lines.add(line);
      }
    } catch (IOException e) {
      // the child was killed mid-line: its output ends here
    }
    lines.add(EOF);
  }

  /** Waits for a stdout line starting with {@code prefix}; fails if the child ends first. */
  String awaitLine(String prefix, Duration timeout) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new AssertionError("no line '" + prefix + "' from the child within " + timeout
            + "; saw " + seen + "\nstderr:\n" + stderr());
      }
      if (line.equals(EOF)) {
        lines.add(EOF);
        throw new AssertionError("child ended without a line '" + prefix + "'; saw " + seen
            + "; exit " + process.waitFor() + "\nstderr:\n" + stderr());
      }
      seen.add(line);
      if (line.startsWith(prefix)) {
        return line;
      }
    }
  }

  /** The child's stdout lines read so far by {@link #awaitLine}. */
  List<String> seen() {
    return List.copyOf(seen);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** Closes the child's stdin (a child blocked reading it goes on). */
  void closeStdin() throws IOException {
    OutputStream in = process.getOutputStream();
    in.close();
  }

  /** SIGKILL, then waits for the child to be gone; returns its exit code. */
  int kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("child " + process.pid() + " survived SIGKILL");
    }
    return process.exitValue();
  }

  /** Waits for the child to exit by itself; returns its exit code. */
  int await(Duration timeout) throws InterruptedException, IOException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("child did not finish within " + timeout + "\nstderr:\n"
          + stderr());
    }
    return process.exitValue();
  }

  /** Waits up to {@code timeout} for the child to end; true if it did. */
  boolean waitFor(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  String stderr() throws IOException {
    return Files.exists(stderr) ? Files.readString(stderr) : "";
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
