package dev.bulwark.cli.faults;

import dev.bulwark.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs {@code bulwark} in this JVM through {@link Main#run}, as a user would see it (exit code
 * and output), with a deadline: a hang is a failure, not a stuck build. Far cheaper than a
 * child JVM per trial, so a campaign can afford hundreds of trials.
 */
final class InProcess {
  /** Exit code and output of one run; {@code exitCode} -1 means it did not end in time. */
  record Run(int exitCode, String out, String err) {
    /**
     * The problem with how this run failed, or null. Runs are made with {@code --verbose}, so
     * the error line is followed by the exception: it must be one of ours ({@code
     * BulwarkException}) or an I/O error, never a runtime exception or a JVM error, which
     * would mean bad input reached code that did not expect it.
     */
    String unclearError() {
      if (exitCode == -1) {
        return "did not finish in time (hang)";
      }
      if (exitCode == 0) {
        return null;
      }
      String[] lines = err.strip().split("\n");
      int i = 0;
      while (i < lines.length && !lines[i].startsWith("bulwark: ")) {
        i++;
      }
      if (i == lines.length) {
        return "exit " + exitCode + " without a 'bulwark:' line: " + err.strip();
      }
      if (i + 1 >= lines.length || lines[i + 1].startsWith("Try `")) {
        return null; // a usage error (maybe with its help hint): no exception behind it
      }
      String thrown = lines[i + 1].split(":", 2)[0].strip();
      try {
        Class<?> c = Class.forName(thrown);
        if (dev.bulwark.core.BulwarkException.class.isAssignableFrom(c)
            || java.io.IOException.class.isAssignableFrom(c)
            || java.io.UncheckedIOException.class.isAssignableFrom(c)) {
          return null;
        }
      } catch (ClassNotFoundException e) {
        return "exit " + exitCode + ", unrecognised error output: " + lines[i + 1];
      }
      return "internal error (" + thrown + ") for: " + lines[i];
    }
  }

  private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "campaign-bulwark");
    t.setDaemon(true);
    return t;
  });

  private InProcess() {}

  /** Runs {@code bulwark --verbose args...}; see {@link Run#unclearError()}. */
  static Run run(Duration limit, String... args) throws Exception {
    // --verbose shows the exception behind an error; keep the log itself quiet.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    String[] all = new String[args.length + 1];
    all[0] = "--verbose";
    System.arraycopy(args, 0, all, 1, args.length);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Future<Integer> f = POOL.submit(() -> Main.run(all, new PrintWriter(out, true),
        new PrintWriter(err, true)));
    try {
      return new Run(f.get(limit.toMillis(), TimeUnit.MILLISECONDS), out.toString(),
          err.toString());
    } catch (TimeoutException e) {
      f.cancel(true);
      return new Run(-1, out.toString(), err.toString());
    }
  }
}
