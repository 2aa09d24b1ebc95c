package dev.bulwark.cli;

import dev.bulwark.core.job.Progress;
import java.io.PrintStream;

/**
 * Shows a job's progress on a terminal: one line rewritten in place with rate and ETA.
 * Prints nothing when stderr is not a terminal, so logs and pipes stay clean.
 */
final class ProgressPrinter implements AutoCloseable {
  private final Progress progress;
  private final String verb;
  private final PrintStream out = System.err;
  private final Thread thread;
  private volatile boolean running = true;

  ProgressPrinter(Progress progress, String verb, boolean enabled) {
    this.progress = progress;
    this.verb = verb;
    if (enabled && System.console() != null) {
      thread = new Thread(this::loop, "bulwark-progress");
      thread.setDaemon(true);
      thread.start();
    } else {
      thread = null;
    }
  }

  private void loop() {
    while (running) {
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      }
      out.print("\r" + line() + "\u001b[K");
      out.flush();
    }
  }

  private String line() {
    long done = progress.doneBytes();
    long total = progress.totalBytes();
    double secs = Math.max(0.001, progress.elapsedSeconds());
    double rate = done / secs;
    StringBuilder sb = new StringBuilder(verb).append(' ').append(Messages.bytes(done));
    if (total > 0) {
      int pct = (int) Math.min(100, done * 100 / total);
      int filled = pct / 5;
      sb.append(" / ").append(Messages.bytes(total)).append(" [")
          .append("#".repeat(filled)).append(".".repeat(20 - filled)).append("] ")
          .append(pct).append('%');
      if (rate > 0 && done < total) {
        long eta = (long) ((total - done) / rate);
        sb.append(String.format(" ETA %d:%02d", eta / 60, eta % 60));
      }
    }
    sb.append(' ').append(Messages.bytes((long) rate)).append("/s");
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
      out.print("\r\u001b[K");
      out.flush();
    }
  }
}
