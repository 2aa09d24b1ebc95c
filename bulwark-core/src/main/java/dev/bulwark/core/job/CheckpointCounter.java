package dev.bulwark.core.job;

import org.jspecify.annotations.Nullable;

/**
 * Counts the units a long job has done and says when a checkpoint is due, then, once the job
 * has persisted its progress, asks the policy's {@link YieldSignal} whether to stop there.
 * Counters saturate at {@link Long#MAX_VALUE} instead of wrapping, so neither a huge interval
 * nor a job of more than 2<sup>63</sup> units makes a checkpoint come early or never. Thread-safe.
 */
public final class CheckpointCounter {
  private final CheckpointPolicy policy;
  private final String job;
  private long units;
  private long sinceCheckpoint;
  private long checkpoints;

  /**
   * @param job what is counted, for people ({@code "backup of /srv/app/app.db"}), named by the
   *     {@link JobYieldedException} when it yields
   */
  public CheckpointCounter(CheckpointPolicy policy, String job) {
    if (policy == null || job == null) {
      throw new IllegalArgumentException("a checkpoint counter needs a policy and a job name");
    }
    this.policy = policy;
    this.job = job;
  }

  /**
   * Counts {@code n} more units done.
   *
   * @return true if a checkpoint is due now: the caller persists its progress, then calls
   *     {@link #checkpointed()}
   */
  public synchronized boolean add(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("units done cannot be negative, got " + n);
    }
    units = saturatingAdd(units, n);
    sinceCheckpoint = saturatingAdd(sinceCheckpoint, n);
    if (sinceCheckpoint >= policy.every()) {
      sinceCheckpoint = 0;
      return true;
    }
    return false;
  }

  /**
   * Records that the job persisted its progress, and asks the yield signal whether to stop.
   *
   * @throws JobYieldedException if the signal asks: everything up to this checkpoint is
   *     persisted, and the job should stop without doing more
   */
  public void checkpointed() throws JobYieldedException {
    String why = recordCheckpoint();
    if (why != null) {
      throw new JobYieldedException(job, why);
    }
  }

  /**
   * Records that the job persisted its progress, and returns why it should yield now, or null
   * to go on; for a job that learns of its checkpoints on a thread that cannot stop it.
   */
  public @Nullable String recordCheckpoint() {
    synchronized (this) {
      checkpoints = saturatingAdd(checkpoints, 1);
    }
    return policy.yieldSignal().requested();
  }

  /** Units counted so far. */
  public synchronized long units() {
    return units;
  }

  /** Checkpoints recorded so far. */
  public synchronized long checkpoints() {
    return checkpoints;
  }

  /** The policy counted against. */
  public CheckpointPolicy policy() {
    return policy;
  }

  /** What is counted, as the job names itself to people. */
  public String job() {
    return job;
  }

  /** {@code a + b} for non-negative {@code a} and {@code b}, or {@link Long#MAX_VALUE}. */
  public static long saturatingAdd(long a, long b) {
    long sum = a + b;
    return sum < a || sum < b ? Long.MAX_VALUE : sum;
  }
}
