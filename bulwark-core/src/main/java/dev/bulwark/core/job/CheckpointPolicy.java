package dev.bulwark.core.job;

/**
 * How many units of work (packs for a backup; files or packs for the others) a long job does
 * between two persisted checkpoints, and what it asks at each checkpoint whether to yield.
 *
 * @param every units between checkpoints, at least 1
 * @param yieldSignal asked after each checkpoint
 */
public record CheckpointPolicy(int every, YieldSignal yieldSignal) {
  /** The units between checkpoints when nothing says otherwise; see bench/RESULTS.md. */
  public static final int DEFAULT_EVERY = 16;

  /** The environment variable that sets {@link #every} when no flag does. */
  public static final String ENV = "BULWARK_CHECKPOINT_EVERY";

  /**
   * Checks the interval is at least 1 and the signal is given.
   *
   * @param every units between checkpoints, at least 1
   * @param yieldSignal asked after each checkpoint
   * @throws IllegalArgumentException if either is not
   */
  public CheckpointPolicy {
    if (every < 1) {
      throw new IllegalArgumentException("the checkpoint interval must be at least 1, got "
          + every);
    }
    if (yieldSignal == null) {
      throw new IllegalArgumentException("a checkpoint policy needs a yield signal");
    }
  }

  /**
   * Every {@link #DEFAULT_EVERY} units, never yielding.
   *
   * @return the default policy
   */
  public static CheckpointPolicy defaults() {
    return new CheckpointPolicy(DEFAULT_EVERY, YieldSignal.NEVER);
  }

  /**
   * The same interval, yielding when {@code signal} asks.
   *
   * @param signal what asks the job to yield at its next checkpoint
   * @return a new policy; this one is unchanged
   */
  public CheckpointPolicy withYieldSignal(YieldSignal signal) {
    return new CheckpointPolicy(every, signal);
  }

  /**
   * The same signal, a checkpoint every {@code n} units.
   *
   * @param n units (packs) between checkpoints; at least 1
   * @return a new policy; this one is unchanged
   */
  public CheckpointPolicy withEvery(int n) {
    return new CheckpointPolicy(n, yieldSignal);
  }
}
