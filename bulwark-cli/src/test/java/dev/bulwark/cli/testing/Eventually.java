package dev.bulwark.cli.testing;

import java.time.Duration;
import java.time.Instant;

/** Waits for a condition that a background thread (a daemon, a stream) makes true. */
public final class Eventually {
  private Eventually() {}

  /** A condition that may throw while it is not yet true. */
  public interface Probe {
    boolean holds() throws Exception;
  }

  /** Returns once {@code probe} holds; fails naming {@code what} after {@code wait}. */
  public static void await(String what, Duration wait, Probe probe) throws Exception {
    Instant end = Instant.now().plus(wait);
    while (!probe.holds()) {
      if (Instant.now().isAfter(end)) {
        throw new AssertionError("not within " + wait + ": " + what);
      }
      Thread.sleep(50);
    }
  }
}
