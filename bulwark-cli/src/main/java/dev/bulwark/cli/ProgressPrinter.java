package dev.bulwark.cli;

import dev.bulwark.core.Progress;
import java.io.PrintStream;

/**
 * Shows a job's progress on stderr. On a terminal: one line rewritten in place twice a second,
 * with a bar, rate and ETA. Otherwise (a log, a pipe, systemd): a plain line every
 * {@value #PLAIN_INTERVAL_SECONDS} seconds, so a long job shows it is alive without flooding
 * the log, and a short one prints nothing.
 */
final class ProgressPrinter implements AutoCloseable {
  private final Progress progress;
  private final String verb;
  private final PrintStream out = System.err;
  static final int PLAIN_INTERVAL_SECONDS = 10;

  private final Thread thread;
  private final boolean terminal;
  private volatile boolean running = true;

  ProgressPrinter(Progress progress, String verb, boolean enabled) {
    this.progress = progress;
    this.verb = verb;
    this.terminal = System.console() != null;
    if (enabled) {
      thread = new Thread(this::loop, "bulwark-progress");
      thread.setDaemon(true);
      thread.start();
    } else {
      thread = null;
    }
  }

  private void loop() {
    long intervalMillis = terminal ? 500 : PLAIN_INTERVAL_SECONDS * 1000L;
    while (running) {
      try {
        Thread.sleep(intervalMillis);
      } catch (InterruptedException e) {
        return;
      }
      if (terminal) {
        out.print("\r" + line(true) + "\u001b[K");
      } else {
        out.println(line(false));
      }
      out.flush();
    }
  }

  private String line(boolean bar) {
    long done = progress.doneBytes();
    long total = progress.totalBytes();
    double secs = Math.max(0.001, progress.elapsedSeconds());
    double rate = done / secs;
    StringBuilder sb = new StringBuilder(verb).append(' ').append(Messages.bytes(done));
    if (total > 0) {
      int pct = (int) Math.min(100, done * 100 / total);
      int filled = pct / 5;
      sb.append(" / ").append(Messages.bytes(total));
      if (bar) {
        sb.append(" [").append("#".repeat(filled)).append(".".repeat(20 - filled)).append(']');
      }
      sb.append(' ').append(pct).append('%');
      if (rate > 0 && done < total) {
        long eta = (long) ((total - done) / rate);
        sb.append(String.format(" ETA %d:%02d", eta / 60, eta % 60));
      }
    }
    sb.append(' ').append(Messages.bytes((long) rate)).append("/s");
    if (progress.unchangedItems() > 0) {
      sb.append(", ").append(progress.unchangedItems()).append(" unchanged (")
          .append(Messages.bytes(progress.unchangedBytes())).append(" not read)");
    }
    return sb.toString();
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
      if (terminal) {
        out.print("\r\u001b[K");
        out.flush();
      }
    }
  }
}
