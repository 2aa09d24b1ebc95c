package dev.bulwark.cli.daemon;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Process signals for the daemon, through {@code sun.misc.Signal} (module
 * {@code jdk.unsupported}, present in every JDK since 9). Handling SIGTERM and SIGINT ourselves
 * replaces the JVM's default (run shutdown hooks, exit 143 or 130), so {@code bulwark run} can
 * stop its jobs at a safe point and exit 0; SIGHUP, which would otherwise end the JVM, reloads.
 * Handlers run on a short-lived thread the JVM starts per signal.
 */
public final class ProcessSignals {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessSignals.class);

  private ProcessSignals() {}

  /**
   * Runs {@code action} whenever the process receives signal {@code name} ({@code TERM},
   * {@code INT}, {@code HUP}); logs a warning if the platform does not let us handle it
   * (e.g. the JVM runs with {@code -Xrs}).
   *
   * @return closing it puts back the handler that was there before, for a command that runs
   *     in a JVM that goes on after it (tests run commands in-process)
   */
  public static Restore handle(String name, Runnable action) {
    try {
      Signal signal = new Signal(name);
      var previous = Signal.handle(signal, s -> action.run());
      return () -> Signal.handle(signal, previous);
    } catch (IllegalArgumentException e) {
      LOG.warn("cannot handle SIG{}: {}", name, e.getMessage());
      return () -> { };
    }
  }

  /** Puts a signal's previous handler back. */
  public interface Restore extends AutoCloseable {
    @Override
    void close();
  }
}
