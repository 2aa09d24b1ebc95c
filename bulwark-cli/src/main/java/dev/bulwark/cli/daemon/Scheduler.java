package dev.bulwark.cli.daemon;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread ({@code bulwark-daemon-scheduler}) that starts work when it is due: it asks
 * its {@link Plan} to start whatever is due now, then sleeps until the earliest next due time
 * the plan reports, or until {@link #wake()} (a reload, a job that ended, a stop).
 */
final class Scheduler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);

  /** What the scheduler drives. */
  @FunctionalInterface
  interface Plan {
    /** Starts what is due at {@code now}; returns the next due time, or null for none. */
    Instant runDue(Instant now);
  }

  private final Clock clock;
  private final Plan plan;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private boolean woken;
  private boolean stopped;
  private Thread thread;

  Scheduler(Clock clock, Plan plan) {
    this.clock = clock;
    this.plan = plan;
  }

  /** Starts the scheduler thread. */
  void start() {
    lock.lock();
    try {
      if (thread != null || stopped) {
        throw new IllegalStateException("already started or stopped");
      }
      thread = new Thread(this::loop, "bulwark-daemon-scheduler");
      thread.setDaemon(true);
      thread.start();
    } finally {
      lock.unlock();
    }
  }

  /** Makes the scheduler look at its plan again now. */
  void wake() {
    lock.lock();
    try {
      woken = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void loop() {
    try {
      while (true) {
        lock.lock();
        try {
          if (stopped) {
            return;
          }
          woken = false;
        } finally {
          lock.unlock();
        }
        Instant next;
        try {
          next = plan.runDue(clock.instant());
        } catch (RuntimeException e) {
          // A bug in one round must not end scheduling; try again shortly.
          LOG.error("scheduling failed; trying again in a minute", e);
          next = clock.instant().plus(Duration.ofMinutes(1));
        }
        waitUntil(next);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void waitUntil(Instant next) throws InterruptedException {
    lock.lock();
    try {
      while (!stopped && !woken) {
        if (next == null) {
          changed.await();
        } else {
          long nanos = Duration.between(clock.instant(), next).toNanos();
          if (nanos <= 0) {
            return;
          }
          changed.awaitNanos(nanos);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    Thread t;
    lock.lock();
    try {
      stopped = true;
      changed.signalAll();
      t = thread;
    } finally {
      lock.unlock();
    }
    if (t == null) {
      return;
    }
    try {
      t.join(JOIN_TIMEOUT.toMillis());
      if (t.isAlive()) {
        t.interrupt();
        t.join(JOIN_TIMEOUT.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (t.isAlive()) {
      LOG.warn("the scheduler thread did not stop");
    }
  }
}
