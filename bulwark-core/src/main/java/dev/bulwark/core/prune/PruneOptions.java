package dev.bulwark.core.prune;

import dev.bulwark.core.retention.StreamRetention;
import java.time.Clock;

/**
 * How a prune runs. Immutable; start from {@link #defaults()} and change with the withers.
 *
 * @param maxUnusedPercent unused bytes left in partly used packs may be at most this share of
 *     the repository after the prune (restic's {@code --max-unused}); 0 repacks every partly
 *     used pack, 100 repacks none
 * @param packBytes target size of the packs that repacking writes
 * @param batchPacks an index file for the new packs is written after every this many repacked
 *     packs, so a kill loses at most one batch of repacking
 * @param mode whether to change the repository or only plan
 * @param streamRetention how long every point of a stream stays restorable; stream segments
 *     beyond it, and segments and generations no remaining snapshot can replay, are removed
 * @param clock where the retention window is counted back from
 */
public record PruneOptions(double maxUnusedPercent, int packBytes, int batchPacks, Mode mode,
    StreamRetention streamRetention, Clock clock) {
  /** restic's default for {@code --max-unused}. */
  public static final double DEFAULT_MAX_UNUSED_PERCENT = 5;
  /** restic's default target pack size. */
  public static final int DEFAULT_PACK_BYTES = 16 * 1024 * 1024;
  /** Repacked packs per persisted batch. */
  public static final int DEFAULT_BATCH_PACKS = 16;

  /** Whether a prune changes the repository. */
  public enum Mode {
    /** Plan, then carry the plan out. */
    PRUNE,
    /** Plan only (restic's {@code --dry-run}): nothing is written or deleted. */
    DRY_RUN
  }

  public PruneOptions {
    if (!(maxUnusedPercent >= 0 && maxUnusedPercent <= 100)) {
      throw new IllegalArgumentException("max unused must be between 0 and 100 percent");
    }
    if (packBytes < 1024 * 1024 || packBytes > 128 * 1024 * 1024) {
      throw new IllegalArgumentException("pack size must be between 1 and 128 MiB");
    }
    if (batchPacks < 1) {
      throw new IllegalArgumentException("batch size must be at least 1 pack");
    }
    if (mode == null || streamRetention == null || clock == null) {
      throw new IllegalArgumentException("mode, stream retention and clock are required");
    }
  }

  /**
   * 5% unused allowed, 16 MiB packs, an index every 16 repacked packs, every stream segment a
   * remaining snapshot can replay kept, the system clock, changes made.
   */
  public static PruneOptions defaults() {
    return new PruneOptions(DEFAULT_MAX_UNUSED_PERCENT, DEFAULT_PACK_BYTES, DEFAULT_BATCH_PACKS,
        Mode.PRUNE, StreamRetention.KEEP_ALL, Clock.systemUTC());
  }

  public PruneOptions withMaxUnusedPercent(double p) {
    return new PruneOptions(p, packBytes, batchPacks, mode, streamRetention, clock);
  }

  public PruneOptions withPackBytes(int n) {
    return new PruneOptions(maxUnusedPercent, n, batchPacks, mode, streamRetention, clock);
  }

  public PruneOptions withBatchPacks(int n) {
    return new PruneOptions(maxUnusedPercent, packBytes, n, mode, streamRetention, clock);
  }

  public PruneOptions withMode(Mode m) {
    return new PruneOptions(maxUnusedPercent, packBytes, batchPacks, m, streamRetention, clock);
  }

  /** These options with another stream retention. */
  public PruneOptions withStreamRetention(StreamRetention r) {
    return new PruneOptions(maxUnusedPercent, packBytes, batchPacks, mode, r, clock);
  }

  /** These options with the retention window counted back from {@code c}'s time. */
  public PruneOptions withClock(Clock c) {
    return new PruneOptions(maxUnusedPercent, packBytes, batchPacks, mode, streamRetention, c);
  }

  /** True if this prune only plans. */
  public boolean isDryRun() {
    return mode == Mode.DRY_RUN;
  }
}
