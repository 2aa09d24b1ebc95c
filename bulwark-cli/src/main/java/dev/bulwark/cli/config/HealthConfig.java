package dev.bulwark.cli.config;

import java.time.Duration;

/**
 * When {@code GET /healthz} says a database needs attention ({@code health:} in {@code
 * bulwark.yml}).
 *
 * @param staleAfterIntervals a database's newest snapshot is stale once it is older than this
 *     many times its schedule's interval ({@code stale-after: 2x}); used when {@code
 *     staleAfter} is null
 * @param staleAfter a fixed age past which a snapshot is stale whatever the schedule ({@code
 *     stale-after: 6h}), or null to count in intervals
 * @param maxStreamLag a streamed database whose oldest unshipped transaction has waited longer
 *     than this is lagging
 */
public record HealthConfig(double staleAfterIntervals, Duration staleAfter,
    Duration maxStreamLag) {
  /** Two intervals: one backup may fail or run late without an alarm, two may not. */
  public static final double DEFAULT_STALE_AFTER_INTERVALS = 2;
  /** A stream ships within its sync interval (1 s by default); a minute behind is not normal. */
  public static final Duration DEFAULT_MAX_STREAM_LAG = Duration.ofMinutes(1);
  /** The defaults: stale after two intervals, lagging after a minute. */
  public static final HealthConfig DEFAULTS =
      new HealthConfig(DEFAULT_STALE_AFTER_INTERVALS, null, DEFAULT_MAX_STREAM_LAG);

  public HealthConfig {
    if (!(staleAfterIntervals > 0) || Double.isInfinite(staleAfterIntervals)) {
      throw new IllegalArgumentException("stale-after must be a positive number of intervals");
    }
    if (maxStreamLag == null || maxStreamLag.isNegative() || maxStreamLag.isZero()) {
      throw new IllegalArgumentException("max-stream-lag must be a positive duration");
    }
  }

  /** How old a snapshot of a database backed up every {@code interval} may be. */
  public Duration allowedAge(Duration interval) {
    if (staleAfter != null) {
      return staleAfter;
    }
    return Duration.ofMillis((long) Math.ceil(interval.toMillis() * staleAfterIntervals));
  }

  /** {@code 2x} or {@code 6h}, as written in the file. */
  public String staleAfterText() {
    if (staleAfter != null) {
      return DurationText.format(staleAfter);
    }
    double n = staleAfterIntervals;
    return (n == Math.rint(n) ? Long.toString((long) n) : Double.toString(n)) + "x";
  }
}
