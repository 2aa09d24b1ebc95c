package dev.bulwark.cli.daemon;

import dev.bulwark.core.BulwarkException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the daemon's jobs one at a time on one named thread ({@code bulwark-daemon-job-N}), in
 * the order they were asked for; so two jobs never race on the repository. At most one job per
 * kind and database is queued or running: asking again returns that job.
 *
 * <p>{@link #close()} stops intake, cancels queued jobs, lets the running one go on for the
 * grace period, then interrupts it (every job stops at a safe point: a backup before its
 * snapshot, a restore before its swap), waits for it, and warns if it would not stop.
 * Thread-safe.
 */
final class Supervisor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
  /** Jobs waiting to run; a few per database is all the dedup rule allows anyway. */
  static final int QUEUE_CAPACITY = 256;
  /** How long an interrupted job may take to reach its next safe point. */
  static final Duration INTERRUPTED_JOB_TIMEOUT = Duration.ofSeconds(30);

  /** The work of a job. */
  @FunctionalInterface
  interface Work {
    Job.Outcome run() throws IOException, BulwarkException, InterruptedException;
  }

  /** Told when a job starts and ends, on the job's thread. */
  interface Listener {
    void started(Job job);

    void ended(Job job);
  }

  private record Key(JobKind kind, String database) {}

  private final ThreadPoolExecutor pool;
  private final Clock clock;
  private final Duration grace;
  private final Listener listener;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Key, Job> active = new HashMap<>();
  private volatile boolean closing;

  /**
   * @param grace how long {@link #close()} lets a running job go on before interrupting it
   */
  Supervisor(Clock clock, Duration grace, Listener listener) {
    this.clock = clock;
    this.grace = grace;
    this.listener = listener;
    AtomicInteger n = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(QUEUE_CAPACITY), r -> {
          Thread t = new Thread(r, "bulwark-daemon-job-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.AbortPolicy());
  }

  /**
   * Queues a job, or returns the job of that kind for that database already queued or running.
   *
   * @throws IllegalStateException once closing
   */
  synchronized Job submit(JobKind kind, String database, Work work) {
    if (closing) {
      throw new IllegalStateException("the daemon is stopping");
    }
    Key key = new Key(kind, database);
    Job existing = active.get(key);
    if (existing != null) {
      return existing;
    }
    Job job = new Job(Long.toString(ids.incrementAndGet()), kind, database, clock.instant());
    try {
      pool.execute(() -> run(key, job, work));
    } catch (RejectedExecutionException e) {
      job.fail("too many jobs queued (" + QUEUE_CAPACITY + ")", clock.instant());
      job.release();
      return job;
    }
    active.put(key, job);
    return job;
  }

  /** The job of that kind for that database queued or running, or null. */
  synchronized Job active(JobKind kind, String database) {
    return active.get(new Key(kind, database));
  }

  private void run(Key key, Job job, Work work) {
    try {
      if (!job.start(clock.instant())) {
        return;
      }
      listener.started(job);
      try {
        job.finish(work.run(), clock.instant());
      } catch (InterruptedException | InterruptedIOException e) {
        job.cancel("interrupted: the daemon is stopping", clock.instant());
      } catch (IOException | BulwarkException | RuntimeException e) {
        if (closing || Thread.currentThread().isInterrupted()) {
          // An interrupt surfaces as whatever the interrupted call throws; it was asked for.
          job.cancel("interrupted: the daemon is stopping (" + oneLine(e) + ")",
              clock.instant());
        } else {
          LOG.debug("{} failed", job, e);
          job.fail(oneLine(e), clock.instant());
        }
      }
    } finally {
      synchronized (this) {
        active.remove(key, job);
      }
      try {
        if (job.status().started() != null) {
          listener.ended(job);
        }
      } finally {
        job.release();
      }
    }
  }

  static String oneLine(Throwable t) {
    String m = t.getMessage();
    return (m == null || m.isBlank() ? t.getClass().getSimpleName() : m).replace('\n', ' ');
  }

  @Override
  public void close() {
    List<Runnable> dropped = new ArrayList<>();
    synchronized (this) {
      if (closing) {
        return;
      }
      closing = true;
      pool.getQueue().drainTo(dropped);
      for (Job j : active.values()) {
        // Only the queued ones: start() refuses a cancelled job, the running one goes on.
        if (j.status().state() == JobState.QUEUED) {
          j.cancel("cancelled: the daemon stopped before it ran", clock.instant());
          j.release();
        }
      }
    }
    pool.shutdown();
    try {
      if (!pool.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.info("interrupting the job in progress");
        pool.shutdownNow();
        if (!pool.awaitTermination(INTERRUPTED_JOB_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          LOG.warn("a job did not stop within {} s of its interrupt; abandoning it",
              INTERRUPTED_JOB_TIMEOUT.toSeconds());
        }
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
    for (Runnable r : dropped) {
      // Each ran through run(): the job is cancelled already, this just clears the bookkeeping.
      r.run();
    }
  }
}
