package dev.bulwark.cli.daemon;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.RepositoryLockedException;
import dev.bulwark.core.job.JobYieldedException;
import dev.bulwark.core.job.YieldSignal;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the daemon's jobs one at a time on one named thread ({@code bulwark-daemon-job-N}), the
 * most urgent first ({@link JobPriority}) and, among equals, in the order they were asked for; so
 * two jobs never race on the repository. At most one job per kind and database is queued or
 * running: asking again returns that job, unless the request is more urgent and the job has
 * not started; then a new job of the request's priority replaces it (the old one ends as
 * cancelled).
 *
 * <p>Yielding: when a job is queued while a less urgent one runs, the running one is asked to
 * stop at its next checkpoint (its {@link YieldSignal}); so is it when its own outside signal
 * (a sentinel file, another process waiting for the repository lock) asks. A job that stops
 * so ends as {@link JobState#YIELDED} and a new job of the same kind, database and priority
 * resumes it: at once (behind the urgent work) when the supervisor asked, or once the outside
 * signal is quiet when that asked, checked every {@link #resumeBackoff} and less often as it
 * persists (at most every {@link #MAX_RESUME_BACKOFF}). A resumed job that finds the repository
 * locked by the one it yielded to waits the same way instead of failing.
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
  /** The first wait before a job that yielded to an outside signal looks at it again. */
  static final Duration RESUME_BACKOFF = Duration.ofSeconds(5);
  /** The longest wait between two looks at an outside signal that keeps asking. */
  static final Duration MAX_RESUME_BACKOFF = Duration.ofMinutes(1);

  /** The work of a job. */
  @FunctionalInterface
  interface Work {
    Job.Outcome run() throws IOException, BulwarkException, InterruptedException;
  }

  /** The work of a job that checkpoints and asks {@code yieldSignal} whether to stop there. */
  @FunctionalInterface
  interface YieldingWork {
    Job.Outcome run(YieldSignal yieldSignal)
        throws IOException, BulwarkException, InterruptedException;
  }

  /** Told when a job starts and ends, on the job's thread. */
  interface Listener {
    void started(Job job);

    void ended(Job job);
  }

  private record Key(JobKind kind, String database) {}

  /** A queued job: ordered by priority, then by the order it was queued in. */
  private final class Entry implements Runnable, Comparable<Entry> {
    final Key key;
    final Job job;
    final YieldSignal outside;
    final YieldingWork work;
    final long seq;
    /** How long to wait before looking at {@link #outside} again if it still asks. */
    final Duration backoff;

    Entry(Key key, Job job, YieldSignal outside, YieldingWork work, Duration backoff) {
      this.key = key;
      this.job = job;
      this.outside = outside;
      this.work = work;
      this.seq = sequence.incrementAndGet();
      this.backoff = backoff;
    }

    @Override
    public void run() {
      Supervisor.this.run(this);
    }

    @Override
    public int compareTo(Entry o) {
      int c = job.priority().compareTo(o.job.priority());
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private final ThreadPoolExecutor pool;
  private final ScheduledThreadPoolExecutor resumer;
  private final Clock clock;
  private final Duration grace;
  private final Listener listener;
  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong sequence = new AtomicLong();
  private final Map<Key, Job> active = new HashMap<>();
  private volatile Duration resumeBackoff = RESUME_BACKOFF;
  private Job running;
  private volatile boolean closing;

  /**
   * @param grace how long {@link #close()} lets a running job go on before interrupting it
   */
  Supervisor(Clock clock, Duration grace, Listener listener) {
    this.clock = clock;
    this.grace = grace;
    this.listener = listener;
    AtomicInteger n = new AtomicInteger();
    // Unbounded, so submit() enforces QUEUE_CAPACITY itself; entries are Comparable.
    this.pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new PriorityBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "bulwark-daemon-job-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    this.resumer = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "bulwark-daemon-resume");
      t.setDaemon(true);
      return t;
    });
  }

  /** The first wait before a job that yielded to an outside signal is resumed (tests). */
  void resumeBackoff(Duration d) {
    resumeBackoff = d;
  }

  /**
   * Queues a job of normal priority that does not yield, or returns the job of that kind for
   * that database already queued or running.
   *
   * @throws IllegalStateException once closing
   */
  synchronized Job submit(JobKind kind, String database, Work work) {
    return submit(kind, database, JobPriority.NORMAL, YieldSignal.NEVER, y -> work.run());
  }

  /**
   * Queues a job, or returns the job of that kind for that database already queued or running.
   * A less urgent job running now is asked to yield.
   *
   * @param outside asks the job to yield from outside the daemon (sentinel file, another
   *     process's lock request); the job's signal is this or the supervisor's own request
   * @throws IllegalStateException once closing
   */
  synchronized Job submit(JobKind kind, String database, JobPriority priority,
      YieldSignal outside, YieldingWork work) {
    if (closing) {
      throw new IllegalStateException("the daemon is stopping");
    }
    Key key = new Key(kind, database);
    Job existing = active.get(key);
    if (existing != null) {
      // A more urgent request replaces the same job still waiting: it must neither wait behind
      // less urgent work nor for the sentinel that a resumption waits out.
      if (!priority.preempts(existing.priority()) || !existing.cancelIfQueued(
          "replaced by a more urgent request for the same job", clock.instant())) {
        return existing;
      }
      LOG.info("{} replaced by a more urgent request", existing);
      active.remove(key, existing);
      existing.release();
    }
    Job job = new Job(Long.toString(ids.incrementAndGet()), kind, database, clock.instant(),
        priority, null);
    if (!enqueue(new Entry(key, job, outside, work, resumeBackoff))) {
      return job;
    }
    active.put(key, job);
    Job now = running;
    if (now != null && priority.preempts(now.priority())) {
      LOG.info("{} asked to yield: {} is waiting", now, job);
      now.askToYield(job + " is waiting");
    }
    return job;
  }

  /** Queues {@code e}; false (the job failed and released) if the queue is full. */
  private boolean enqueue(Entry e) {
    if (pool.getQueue().size() >= QUEUE_CAPACITY) {
      e.job.fail("too many jobs queued (" + QUEUE_CAPACITY + ")", clock.instant());
      e.job.release();
      return false;
    }
    try {
      pool.execute(e);
      return true;
    } catch (RejectedExecutionException x) {
      e.job.fail("the daemon is stopping", clock.instant());
      e.job.release();
      return false;
    }
  }

  /** The job of that kind for that database queued or running, or null. */
  synchronized Job active(JobKind kind, String database) {
    return active.get(new Key(kind, database));
  }

  private void run(Entry e) {
    Job job = e.job;
    String yieldedFor = null;
    boolean resumeAtOnce = false;
    try {
      if (!job.start(clock.instant())) {
        return;
      }
      synchronized (this) {
        running = job;
      }
      listener.started(job);
      YieldSignal signal = YieldSignal.anyOf(List.of(job::yieldAsked, e.outside));
      try {
        job.finish(e.work.run(signal), clock.instant());
      } catch (JobYieldedException y) {
        yieldedFor = y.reason();
        resumeAtOnce = job.yieldAsked() != null;
        job.yielded(y.reason(), clock.instant());
      } catch (RepositoryLockedException x) {
        if (job.resumes() == null || closing) {
          fail(job, x);
        } else {
          // It yielded to that lock's holder, which still works: wait for it as for a signal.
          yieldedFor = oneLine(x);
          job.yielded("waiting for the repository lock: " + yieldedFor, clock.instant());
        }
      } catch (InterruptedException | InterruptedIOException x) {
        job.cancel("interrupted: the daemon is stopping", clock.instant());
      } catch (IOException | BulwarkException | RuntimeException x) {
        fail(job, x);
      }
    } finally {
      synchronized (this) {
        if (running == job) {
          running = null;
        }
        active.remove(e.key, job);
        if (yieldedFor != null) {
          // Before the yielded job is released: whoever awaited it and asks again finds this.
          resume(e, resumeAtOnce);
        }
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

  private void fail(Job job, Exception x) {
    if (closing || Thread.currentThread().isInterrupted()) {
      // An interrupt surfaces as whatever the interrupted call throws; it was asked for.
      job.cancel("interrupted: the daemon is stopping (" + oneLine(x) + ")", clock.instant());
    } else {
      LOG.debug("{} failed", job, x);
      job.fail(oneLine(x), clock.instant());
    }
  }

  /**
   * Queues a new job that resumes the yielded {@code e}: at once when the supervisor asked it
   * to yield (the urgent job is queued before it), else once its outside signal is quiet.
   */
  private synchronized void resume(Entry e, boolean atOnce) {
    if (closing || active.containsKey(e.key)) {
      // Stopping, or the same job was asked for again meanwhile: that one does the work.
      return;
    }
    Job next = new Job(Long.toString(ids.incrementAndGet()), e.key.kind(), e.key.database(),
        clock.instant(), e.job.priority(), e.job.id());
    active.put(e.key, next);
    Entry n = new Entry(e.key, next, e.outside, e.work, atOnce ? resumeBackoff : e.backoff);
    if (atOnce) {
      enqueueResumed(n);
    } else {
      resumeLater(n);
    }
  }

  private void resumeLater(Entry n) {
    try {
      resumer.schedule(() -> resumeIfQuiet(n), n.backoff.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException x) {
      n.job.cancel("cancelled: the daemon stopped before it resumed", clock.instant());
      n.job.release();
    }
  }

  /** Queues {@code n} if its outside signal stopped asking, else looks again later. */
  private void resumeIfQuiet(Entry n) {
    if (n.job.status().state().isDone()) {
      // Replaced by a more urgent request meanwhile.
      return;
    }
    String still = n.outside.requested();
    synchronized (this) {
      if (closing) {
        return;
      }
      if (still == null) {
        enqueueResumed(n);
        return;
      }
      Duration longer = n.backoff.multipliedBy(2);
      Entry later = new Entry(n.key, n.job, n.outside, n.work,
          longer.compareTo(MAX_RESUME_BACKOFF) > 0 ? MAX_RESUME_BACKOFF : longer);
      LOG.debug("{} waits to resume: {}", n.job, still);
      resumeLater(later);
    }
  }

  private void enqueueResumed(Entry n) {
    if (!enqueue(n)) {
      active.remove(n.key, n.job);
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
    resumer.shutdownNow();
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
