package dev.bulwark.cli.testing;

import dev.bulwark.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code bulwark} command in a child JVM (the test class path, main class
 * {@code dev.bulwark.cli.Main}), so tests see exactly what a user sees: exit code, stdout,
 * stderr, and a process that can really be killed. {@link #inProcess()} runs it in this JVM
 * through {@link Main#run} instead, a second per command faster, for tests that need no
 * process of their own (no kill, no JVM options, no locale).
 */
public final class Cli {
  /** Password used by {@link #withPassword}. */
  public static final String PASSWORD = "test password";
  private static final String LOCK_RECHECK_PROPERTY = "bulwark.lock.recheck-ms";
  private static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

  private final Map<String, String> env;
  private final List<String> jvmArgs;
  private final boolean inProcess;

  private Cli(Map<String, String> env, List<String> jvmArgs, boolean inProcess) {
    this.env = Map.copyOf(env);
    this.jvmArgs = List.copyOf(jvmArgs);
    this.inProcess = inProcess;
  }

  private Cli(Map<String, String> env, List<String> jvmArgs) {
    this(env, jvmArgs, false);
  }

  /** A runner whose child gets {@code BULWARK_PASSWORD} set to {@link #PASSWORD}. */
  public static Cli withPassword() {
    return new Cli(Map.of("BULWARK_PASSWORD", PASSWORD), List.of());
  }

  /** A runner with {@code BULWARK_PASSWORD} and these extra variables, e.g. S3 credentials. */
  public static Cli withPassword(Map<String, String> extraEnv) {
    Map<String, String> env = new HashMap<>(extraEnv);
    env.put("BULWARK_PASSWORD", PASSWORD);
    return new Cli(env, List.of());
  }

  /** A runner with exactly these extra environment variables. */
  public static Cli withEnv(Map<String, String> env) {
    return new Cli(env, List.of());
  }

  /** The same runner with extra JVM options, e.g. {@code -Xmx128m}. */
  public Cli jvm(String... args) {
    List<String> all = new ArrayList<>(jvmArgs);
    all.addAll(List.of(args));
    if (inProcess) {
      throw new IllegalStateException("JVM options need a child JVM; drop inProcess()");
    }
    return new Cli(env, all);
  }

  /**
   * The same runner, but {@link #run} calls {@link Main#run} in this JVM with this runner's
   * environment (the process's without its {@code BULWARK_*} and {@code RESTIC_*} variables,
   * plus the given ones) and collects what it prints, the log and progress lines on {@code
   * System.err} included. {@link #start} still starts a child JVM.
   */
  public Cli inProcess() {
    if (!jvmArgs.isEmpty()) {
      throw new IllegalStateException("JVM options need a child JVM: " + jvmArgs);
    }
    return new Cli(env, jvmArgs, true);
  }

  /** Exit code and output of one run. */
  public record Result(int exitCode, String stdout, String stderr) {
    /** Fails with both streams in the message unless the exit code is 0. */
    public Result assertOk() {
      if (exitCode != 0) {
        throw new AssertionError("bulwark exited " + exitCode + "\nstdout:\n" + stdout
            + "\nstderr:\n" + stderr);
      }
      return this;
    }
  }

  /** Starts {@code bulwark args...} without waiting; output goes to the given files. */
  public Process start(Path stdout, Path stderr, String... args) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command(args));
    pb.environment().keySet().removeIf(k -> k.startsWith("BULWARK_") || k.startsWith("RESTIC_"));
    pb.environment().putAll(env);
    pb.redirectOutput(stdout.toFile());
    pb.redirectError(stderr.toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    return pb.start();
  }

  /** Runs {@code bulwark args...} to completion (at most 10 minutes in a child JVM). */
  public Result run(String... args) {
    if (inProcess) {
      return runHere(args);
    }
    try {
      ProcessBuilder pb = new ProcessBuilder(command(args));
      pb.environment().keySet().removeIf(k -> k.startsWith("BULWARK_") || k.startsWith("RESTIC_"));
      pb.environment().putAll(env);
      pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      Process p = pb.start();
      CompletableFuture<String> out = drain(p.getInputStream());
      CompletableFuture<String> err = drain(p.getErrorStream());
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("bulwark " + String.join(" ", args) + " did not finish");
      }
      return new Result(p.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /**
   * One command in this JVM. System.err is taken over while it runs (one at a time), since
   * the progress printer and the log write there, as a child's would to its stderr.
   */
  private Result runHere(String... args) {
    Map<String, String> all = new HashMap<>(System.getenv());
    all.keySet().removeIf(k -> k.startsWith("BULWARK_") || k.startsWith("RESTIC_"));
    all.putAll(env);
    if (System.getProperty(LOG_LEVEL_PROPERTY) == null) {
      // What a child JVM gets: Main sets it before the first logger is made.
      System.setProperty(LOG_LEVEL_PROPERTY, "warn");
    }
    StringWriter out = new StringWriter();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    synchronized (Cli.class) {
      PrintStream previous = System.err;
      PrintStream errStream = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
      System.setErr(errStream);
      int code;
      try (PrintWriter outWriter = new PrintWriter(out, true);
          PrintWriter errWriter = new PrintWriter(errStream, true)) {
        code = Main.run(args, all, outWriter, errWriter);
      } finally {
        System.setErr(previous);
      }
      return new Result(code, out.toString(), errBytes.toString(StandardCharsets.UTF_8));
    }
  }

  private List<String> command(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // The build's short lock re-check (see the parent pom) reaches the child too.
    String recheck = System.getProperty(LOCK_RECHECK_PROPERTY);
    if (recheck != null) {
      cmd.add("-D" + LOCK_RECHECK_PROPERTY + "=" + recheck);
    }
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.bulwark.cli.Main");
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** Writes {@code password} to a 0600 file and returns its path. */
  public static Path passwordFile(Path dir, String password) throws IOException {
    Path f = dir.resolve("password-" + Integer.toHexString(password.hashCode()));
    Files.writeString(f, password + "\n");
    Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions
        .fromString("rw-------"));
    return f;
  }
}
