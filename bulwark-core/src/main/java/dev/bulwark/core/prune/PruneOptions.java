package dev.bulwark.core.prune;

import dev.bulwark.core.job.CheckpointPolicy;
import dev.bulwark.core.retention.StreamRetention;
import java.time.Clock;

/**
 * How a prune runs. Immutable; start from {@link #defaults()} and change with the withers.
 *
 * @param maxUnusedPercent unused bytes left in partly used packs may be at most this share of
 *     the repository after the prune (restic's {@code --max-unused}); 0 repacks every partly
 *     used pack, 100 repacks none
 * @param packBytes target size of the packs that repacking writes
 * @param checkpoints an index file for the new packs is written after every {@code every}
 *     repacked packs, so a kill loses at most one batch of repacking; after each the prune asks
 *     whether to yield
 * @param mode whether to change the repository or only plan
 * @param streamRetention how long every point of a stream stays restorable; stream segments
 *     beyond it, and segments and generations no remaining snapshot can replay, are removed
 * @param clock where the retention window is counted back from
 */
public record PruneOptions(double maxUnusedPercent, int packBytes, CheckpointPolicy checkpoints,
    Mode mode,
    StreamRetention streamRetention, Clock clock) {
  /** restic's default for {@code --max-unused}. */
  public static final double DEFAULT_MAX_UNUSED_PERCENT = 5;
  /** restic's default target pack size. */
  public static final int DEFAULT_PACK_BYTES = 16 * 1024 * 1024;

  /** Whether a prune changes the repository. */
  public enum Mode {
    /** Plan, then carry the plan out. */
    PRUNE,
    /** Plan only (restic's {@code --dry-run}): nothing is written or deleted. */
    DRY_RUN
  }

  /**
   * Checks every value is in range and given.
   *
   * @param maxUnusedPercent unused bytes left in partly used packs may be at most this share of the
   *     repository after the prune (restic's {@code --max-unused}); 0 repacks every partly used
   *     pack, 100 repacks none
   * @param packBytes target size of the packs that repacking writes
   * @param checkpoints an index file for the new packs is written after every {@code every}
   *     repacked packs, so a kill loses at most one batch of repacking; after each the prune asks
   *     whether to yield
   * @param mode whether to change the repository or only plan
   * @param streamRetention how long every point of a stream stays restorable; stream segments
   *     beyond it, and segments and generations no remaining snapshot can replay, are removed
   * @param clock where the retention window is counted back from
   * @throws IllegalArgumentException if a value is out of range or missing; the message names it
   */
  public PruneOptions {
    if (!(maxUnusedPercent >= 0 && maxUnusedPercent <= 100)) {
      throw new IllegalArgumentException("max unused must be between 0 and 100 percent");
    }
    if (packBytes < 1024 * 1024 || packBytes > 128 * 1024 * 1024) {
      throw new IllegalArgumentException("pack size must be between 1 and 128 MiB");
    }
    if (checkpoints == null || mode == null || streamRetention == null || clock == null) {
      throw new IllegalArgumentException(
          "checkpoints, mode, stream retention and clock are required");
    }
  }

  /**
   * 5% unused allowed, 16 MiB packs, an index every 16 repacked packs, every stream segment a
   * remaining snapshot can replay kept, the system clock, changes made.
   *
   * @return the default options
   */
  public static PruneOptions defaults() {
    return new PruneOptions(DEFAULT_MAX_UNUSED_PERCENT, DEFAULT_PACK_BYTES,
        CheckpointPolicy.defaults(), Mode.PRUNE, StreamRetention.KEEP_ALL, Clock.systemUTC());
  }

  /**
   * These options allowing up to {@code p} percent of unused bytes in partly used packs.
   *
   * @param p the allowance, 0 to 100; higher repacks less and leaves more unused data
   * @return new options; these are unchanged
   */
  public PruneOptions withMaxUnusedPercent(double p) {
    return new PruneOptions(p, packBytes, checkpoints, mode, streamRetention, clock);
  }

  /**
   * These options repacking into packs of about {@code n} bytes.
   *
   * @param n the pack size in bytes, between 1 and 128 MiB
   * @return new options; these are unchanged
   */
  public PruneOptions withPackBytes(int n) {
    return new PruneOptions(maxUnusedPercent, n, checkpoints, mode, streamRetention, clock);
  }

  /**
   * These options with a checkpoint every {@code n} repacked packs, the same yield signal.
   *
   * @param n repacked packs between checkpoints; at least 1
   * @return new options; these are unchanged
   */
  public PruneOptions withBatchPacks(int n) {
    return withCheckpoints(checkpoints.withEvery(n));
  }

  /**
   * These options with an index checkpoint every {@code policy.every()} repacked packs, asking
   * {@code policy.yieldSignal()} after each whether to stop there.
   *
   * @param policy the checkpoint interval and the yield signal
   * @return new options; these are unchanged
   */
  public PruneOptions withCheckpoints(CheckpointPolicy policy) {
    return new PruneOptions(maxUnusedPercent, packBytes, policy, mode, streamRetention, clock);
  }

  /**
   * Repacked packs per persisted batch: the checkpoint interval.
   *
   * @return packs per batch
   */
  public int batchPacks() {
    return checkpoints.every();
  }

  /**
   * These options changing the repository, or only planning ({@link Mode}).
   *
   * @param m prune, or plan only (a dry run)
   * @return new options; these are unchanged
   */
  public PruneOptions withMode(Mode m) {
    return new PruneOptions(maxUnusedPercent, packBytes, checkpoints, m, streamRetention, clock);
  }

  /**
   * These options with another stream retention.
   *
   * @param r how long every point of a stream stays restorable
   * @return new options; these are unchanged
   */
  public PruneOptions withStreamRetention(StreamRetention r) {
    return new PruneOptions(maxUnusedPercent, packBytes, checkpoints, mode, r, clock);
  }

  /**
   * These options with the retention window counted back from {@code c}'s time.
   *
   * @param c the clock; tests fix it
   * @return new options; these are unchanged
   */
  public PruneOptions withClock(Clock c) {
    return new PruneOptions(maxUnusedPercent, packBytes, checkpoints, mode, streamRetention, c);
  }

  /**
   * True if this prune only plans.
   *
   * @return true for a dry run
   */
  public boolean isDryRun() {
    return mode == Mode.DRY_RUN;
  }
}
