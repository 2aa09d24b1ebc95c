package dev.bulwark.cli.daemon;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One job under the {@link Supervisor}: its identity and, as it runs, its state and outcome.
 * Thread-safe: the job thread moves it along, any thread reads it.
 */
final class Job implements JobHandle {
  private final String id;
  private final JobKind kind;
  private final String database;
  private final Instant queued;
  private final JobPriority priority;
  private final @Nullable String resumes;
  /** Set by the supervisor when a more urgent job is queued; asked at each checkpoint. */
  private volatile @Nullable String yieldAsked;
  private final CountDownLatch done = new CountDownLatch(1);
  private JobState state = JobState.QUEUED;
  private Instant started;
  private Duration duration;
  private Outcome outcome;
  private String error;

  /**
   * What a job produced.
   *
   * @param snapshotId the snapshot made or checked, or null
   * @param snapshotTime that snapshot's time, or null
   * @param bytesAdded bytes a backup added to the repository
   * @param problem set when the work finished but did not fully succeed (a backup that saved
   *     its snapshot without some unreadable files); the job then counts as failed
   */
  record Outcome(String snapshotId, Instant snapshotTime, long bytesAdded, String problem) {
    static final Outcome NONE = new Outcome(null, null, 0, null);
  }

  Job(String id, JobKind kind, String database, Instant queued) {
    this(id, kind, database, queued, JobPriority.NORMAL, null);
  }

  /**
   * @param resumes the id of the yielded job this one resumes, or null
   */
  Job(String id, JobKind kind, String database, Instant queued, JobPriority priority,
      @Nullable String resumes) {
    this.id = id;
    this.kind = kind;
    this.database = database;
    this.queued = queued;
    this.priority = priority;
    this.resumes = resumes;
  }

  JobPriority priority() {
    return priority;
  }

  /** The id of the yielded job this one resumes, or null. */
  @Nullable String resumes() {
    return resumes;
  }

  /** Asks the job to stop at its next checkpoint; the first reason stays. */
  void askToYield(String reason) {
    if (yieldAsked == null) {
      yieldAsked = reason;
    }
  }

  /** Why the supervisor asked this job to yield, or null: the job's own {@code YieldSignal}. */
  @Nullable String yieldAsked() {
    return yieldAsked;
  }

  String id() {
    return id;
  }

  JobKind kind() {
    return kind;
  }

  String database() {
    return database;
  }

  /** Marks it running; false if it was cancelled before it could start. */
  synchronized boolean start(Instant now) {
    if (state != JobState.QUEUED) {
      return false;
    }
    state = JobState.RUNNING;
    started = now;
    return true;
  }

  synchronized void finish(Outcome o, Instant now) {
    outcome = o;
    error = o.problem();
    end(o.problem() == null ? JobState.SUCCEEDED : JobState.FAILED, now);
  }

  synchronized void fail(String why, Instant now) {
    error = why;
    end(JobState.FAILED, now);
  }

  /** Marks it stopped at a checkpoint for something more urgent ({@code why}). */
  synchronized void yielded(String why, Instant now) {
    error = why;
    end(JobState.YIELDED, now);
  }

  /** Cancels it if it has not started; true if it did. */
  synchronized boolean cancelIfQueued(String why, Instant now) {
    if (state != JobState.QUEUED) {
      return false;
    }
    error = why;
    end(JobState.CANCELLED, now);
    return true;
  }

  synchronized void cancel(String why, Instant now) {
    if (!state.isDone()) {
      error = why;
      end(JobState.CANCELLED, now);
    }
  }

  private void end(JobState s, Instant now) {
    state = s;
    duration = started == null ? Duration.ZERO : Duration.between(started, now);
  }

  /**
   * Lets {@link #await} return. Called once the daemon has recorded the job's end, so whoever
   * awaited a job sees its outcome in the daemon's status too. Idempotent.
   */
  void release() {
    done.countDown();
  }

  /** What the work produced; {@link Outcome#NONE} unless it finished. */
  synchronized Outcome outcome() {
    return outcome == null ? Outcome.NONE : outcome;
  }

  @Override
  public synchronized JobStatus status() {
    Outcome o = outcome();
    return new JobStatus(id, kind, database, state, queued, started, duration, o.snapshotId(),
        o.bytesAdded(), error, resumes);
  }

  @Override
  public JobStatus await(Duration timeout) throws InterruptedException {
    done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    return status();
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase(java.util.Locale.ROOT) + " of " + database + " (job " + id
        + ")";
  }
}
