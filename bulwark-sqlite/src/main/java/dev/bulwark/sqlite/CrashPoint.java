package dev.bulwark.sqlite;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Named points between "the service commits" and "the segment is durable" at which the crash
 * tests halt the JVM as kill -9 would (no shutdown hooks, nothing flushed). Inactive unless the
 * system property {@value #PROPERTY} is set to {@code name} or {@code name:n} (halt the n-th
 * time the point is reached), which only those tests do.
 */
final class CrashPoint {
  /** The system property naming the point to halt at. */
  static final String PROPERTY = "bulwark.test.crash-point";
  /** The transaction was read from the WAL (and logged), not yet fsynced in the local log. */
  static final String READ = "read";
  /** The local log is fsynced and LOCAL waiters released; nothing is shipped yet. */
  static final String LOGGED = "logged";
  /**
   * A segment is stored in the repository; the replicator's state does not say so yet, and
   * SYNC waiters are not released yet.
   */
  static final String SHIPPED = "shipped";
  /** The state records the segment; SYNC waiters were released when it was stored. */
  static final String RECORDED = "recorded";

  private static final String SPEC = System.getProperty(PROPERTY);
  private static final AtomicInteger HITS = new AtomicInteger();

  private CrashPoint() {}

  /** Halts the JVM if {@code name} is the configured point and its count is reached. */
  static void reach(String name) {
    if (SPEC == null) {
      return;
    }
    int colon = SPEC.indexOf(':');
    String point = colon < 0 ? SPEC : SPEC.substring(0, colon);
    int n = colon < 0 ? 1 : Integer.parseInt(SPEC.substring(colon + 1));
    if (point.equals(name) && HITS.incrementAndGet() == n) {
      System.err.println("bulwark: crash point " + name + " reached, halting");
      System.err.flush();
      Runtime.getRuntime().halt(137);
    }
  }
}
