package dev.bulwark.core.retention;

import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long every point of a database's stream stays restorable: within the window (counted back
 * from now) a restore can reach the end of every segment, as fine as the stream was shipped;
 * older points stay restorable only where a snapshot holds them. The newest point of a
 * database's newest generation always stays restorable, however old. {@link #KEEP_ALL}, the
 * default, keeps every segment a kept snapshot can replay. Immutable.
 *
 * @param window how far back every point stays restorable; {@link #KEEP_ALL}'s is the longest
 *     {@code Duration}
 */
public record StreamRetention(Duration window) {
  /** Keeps every segment a kept snapshot can replay. */
  public static final StreamRetention KEEP_ALL =
      new StreamRetention(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999));

  private static final Pattern PART = Pattern.compile("(\\d{1,9})(d|h|m|s)");

  /**
   * Checks the window is positive.
   *
   * @param window how far back every point stays restorable; {@link #KEEP_ALL}'s is the longest
   *     {@code Duration}
   * @throws IllegalArgumentException if it is missing, zero or negative
   */
  public StreamRetention {
    if (window == null || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("a stream retention must be a positive duration: "
          + window);
    }
  }

  /**
   * Every point of the last {@code window} stays restorable.
   *
   * @param window how far back from now every point stays restorable; positive
   * @return the retention
   */
  public static StreamRetention within(Duration window) {
    return new StreamRetention(window);
  }

  /**
   * Parses a duration like {@code 24h}, {@code 90m}, {@code 7d} or {@code 1d12h}: one or more
   * {@code <number><unit>} with units d, h, m, s, each unit at most once, largest first.
   *
   * @param text the duration, e.g. {@code 24h}
   * @return the retention
   * @throws IllegalArgumentException naming the text if it is not such a duration or is zero
   */
  public static StreamRetention parse(String text) {
    String s = text.strip();
    Matcher m = PART.matcher(s);
    Duration total = Duration.ZERO;
    String units = "dhms";
    int pos = 0;
    int lastUnit = -1;
    while (pos < s.length()) {
      if (!m.find(pos) || m.start() != pos) {
        throw new IllegalArgumentException("'" + text + "' is not a duration like 24h, 90m or"
            + " 1d12h");
      }
      int unit = units.indexOf(m.group(2));
      if (unit <= lastUnit) {
        throw new IllegalArgumentException("'" + text + "': give each unit once, largest first");
      }
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "d" -> Duration.ofDays(n);
        case "h" -> Duration.ofHours(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofSeconds(n);
      });
      lastUnit = unit;
      pos = m.end();
    }
    if (total.isZero()) {
      throw new IllegalArgumentException("'" + text + "': a stream retention must be longer"
          + " than zero");
    }
    return new StreamRetention(total);
  }

  /**
   * True if this keeps every segment a kept snapshot can replay.
   *
   * @return true for {@link #KEEP_ALL}
   */
  public boolean keepsAll() {
    return equals(KEEP_ALL);
  }

  /**
   * The oldest commit time that stays restorable at segment granularity at {@code now}; {@link
   * Instant#MIN} when everything is kept.
   *
   * @param now the time to count back from
   * @return the cutoff
   */
  public Instant cutoff(Instant now) {
    if (keepsAll() || Duration.between(Instant.MIN, now).compareTo(window) <= 0) {
      return Instant.MIN;
    }
    return now.minus(window);
  }

  @Override
  public String toString() {
    return keepsAll() ? "keep all" : window.toString();
  }
}
