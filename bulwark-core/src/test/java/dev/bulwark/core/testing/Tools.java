package dev.bulwark.core.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds and runs the external tools our oracle tests compare against (restic, sqlite3...).
 *
 * <p>A missing tool skips the test on a developer machine but fails it in CI, where
 * {@code BULWARK_REQUIRE_TOOLS=1} is set: an oracle that silently never runs proves nothing.
 */
public final class Tools {
  /** Long enough for restic's scrypt calibration and a small backup on a slow CI box. */
  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  private Tools() {}

  /**
   * The executable {@code tool} from {@code PATH} (or {@code tool} itself if it is a path).
   * Aborts the calling test if absent, or fails it when {@code BULWARK_REQUIRE_TOOLS=1}.
   */
  public static Path require(String tool) {
    for (Path candidate : candidates(tool)) {
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate.toAbsolutePath();
      }
    }
    String message = tool + " not found on PATH";
    if ("1".equals(System.getenv("BULWARK_REQUIRE_TOOLS"))) {
      fail(message + " and BULWARK_REQUIRE_TOOLS=1");
    }
    Assumptions.abort(message + "; set BULWARK_REQUIRE_TOOLS=1 to make this a failure");
    throw new AssertionError("unreachable: Assumptions.abort returned");
  }

  /**
   * Runs {@code cmd} in {@code cwd} with the inherited environment plus {@code env}, stdin
   * closed, and returns its stdout. Inherited {@code RESTIC_*} variables are dropped so that a
   * developer's own repository or password never leaks into a test.
   *
   * @throws AssertionError with the exit code and stderr if the command exits non-zero, or if
   *     it runs longer than a few minutes (it is then killed)
   */
  public static String run(Path cwd, Map<String, String> env, String... cmd) {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
    pb.environment().keySet().removeIf(name -> name.startsWith("RESTIC_"));
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new AssertionError("could not start " + String.join(" ", cmd), e);
    }
    // Both pipes are drained concurrently: a child blocked on a full stderr pipe would otherwise
    // never finish writing stdout.
    FutureTask<String> stdout = drain(process.getInputStream(), "stdout");
    FutureTask<String> stderr = drain(process.getErrorStream(), "stderr");
    try {
      if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(
            String.join(" ", cmd) + " did not finish within " + TIMEOUT + " and was killed");
      }
      String out = stdout.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      String err = stderr.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (process.exitValue() != 0) {
        throw new AssertionError(
            String.join(" ", cmd) + " exited with " + process.exitValue() + ":\n" + err);
      }
      return out;
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + String.join(" ", cmd), e);
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      throw new AssertionError("could not read the output of " + String.join(" ", cmd), e);
    }
  }

  private static List<Path> candidates(String tool) {
    if (tool.contains(File.separator)) {
      return List.of(Path.of(tool));
    }
    String path = System.getenv().getOrDefault("PATH", "");
    return Arrays.stream(path.split(File.pathSeparator))
        .filter(dir -> !dir.isEmpty())
        .map(dir -> Path.of(dir, tool))
        .toList();
  }

  /** On its own thread: a shared pool could starve the second drain behind the first. */
  private static FutureTask<String> drain(InputStream in, String name) {
    FutureTask<String> task = new FutureTask<>(() -> {
      try (in) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    });
    Thread thread = new Thread(task, "bulwark-test-tools-" + name);
    thread.setDaemon(true);
    thread.start();
    return task;
  }
}
