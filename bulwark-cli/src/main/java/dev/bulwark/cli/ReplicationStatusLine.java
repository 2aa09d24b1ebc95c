package dev.bulwark.cli;

import dev.bulwark.core.stream.Replicator;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * The live line of {@code bulwark replicate} on a terminal: lag (the live recovery point), the
 * last shipped position and the pending bytes, rewritten in place twice a second on stderr. Off
 * a terminal (a log, systemd) it prints nothing: the start and stop lines say what a log needs.
 */
final class ReplicationStatusLine implements AutoCloseable {
  private static final long INTERVAL_MILLIS = 500;

  private final Replicator replicator;
  private final PrintStream out = System.err;
  private final Thread thread;
  private volatile boolean running = true;

  ReplicationStatusLine(Replicator replicator, boolean enabled) {
    this.replicator = replicator;
    if (enabled && System.console() != null) {
      thread = new Thread(this::loop, "bulwark-replicate-status");
      thread.setDaemon(true);
      thread.start();
    } else {
      thread = null;
    }
  }

  private void loop() {
    while (running) {
      try {
        Thread.sleep(INTERVAL_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      out.print("\r" + line(replicator) + "\u001b[K");
      out.flush();
    }
  }

  /** {@code lag 0.4 s · shipped 0190a3c1d2e40001/1234 · pending 12.0 KiB}. */
  static String line(Replicator r) {
    return "lag " + seconds(r.lag()) + " · shipped "
        + r.lastShippedPosition().map(Object::toString).orElse("nothing yet") + " · pending "
        + Messages.bytes(r.pendingBytes());
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  @Override
  public void close() {
    running = false;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      out.print("\r\u001b[K");
      out.flush();
    }
  }
}
