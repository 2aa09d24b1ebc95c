package dev.bulwark.cli.daemon;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

/** Live {@code bulwark-*} threads of this JVM, for tests that a component leaves none. */
final class Threads {
  private Threads() {}

  static Set<Thread> bulwark() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("bulwark-"))
        .collect(Collectors.toSet());
  }

  /**
   * Waits (polling, at most {@code timeout}) until no {@code bulwark-*} thread other than those
   * in {@code before} is alive; fails naming the ones left. A pool's thread may still be
   * finishing its exit for a moment after its pool reports termination, hence the poll.
   */
  static void assertNoneLeftBeyond(Set<Thread> before, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Set<Thread> extra;
    do {
      extra = bulwark();
      extra.removeAll(before);
      if (extra.isEmpty()) {
        return;
      }
      for (Thread t : extra) {
        t.join(50);
      }
    } while (System.nanoTime() < deadline);
    throw new AssertionError("threads left running: "
        + extra.stream().map(Thread::getName).sorted().toList());
  }
}
