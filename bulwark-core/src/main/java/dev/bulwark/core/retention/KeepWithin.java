package dev.bulwark.core.retention;

import java.time.OffsetDateTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A calendar span such as {@code 1y2m3d4h}, as restic's {@code --keep-within} takes it:
 * years, months and days count in calendar units, hours in hours. Subtracting it follows Go's
 * {@code time.AddDate}: the date is normalised once at the end, so one month before March 31
 * is March 3 (February 31), not February 28 as {@code java.time} would say.
 *
 * @param years calendar years; not negative
 * @param months calendar months; not negative
 * @param days calendar days; not negative
 * @param hours hours; not negative
 */
public record KeepWithin(int years, int months, int days, int hours) {
  /** Nothing: keeps no snapshot by age. */
  public static final KeepWithin NONE = new KeepWithin(0, 0, 0, 0);

  private static final Pattern PART = Pattern.compile("(\\d+)([ymdh])");

  /**
   * Checks no part is negative.
   *
   * @param years calendar years; not negative
   * @param months calendar months; not negative
   * @param days calendar days; not negative
   * @param hours hours; not negative
   * @throws IllegalArgumentException if one is
   */
  public KeepWithin {
    if (years < 0 || months < 0 || days < 0 || hours < 0) {
      throw new IllegalArgumentException("a keep-within span cannot be negative");
    }
  }

  /**
   * Parses restic's form: one or more {@code <number><unit>} with units y, m, d, h, e.g.
   * {@code 2y5m7d3h} or {@code 36h}. A unit given twice takes its last value ({@code 1d2d} is
   * {@code 2d}), as restic's parser does.
   *
   * @param text the span, e.g. {@code 2y5m7d3h}
   * @return the span
   * @throws IllegalArgumentException with a message naming the bad text
   */
  public static KeepWithin parse(String text) {
    String s = text.strip();
    Matcher m = PART.matcher(s);
    int[] units = new int[4];
    int pos = 0;
    while (pos < s.length()) {
      if (!m.find(pos) || m.start() != pos) {
        throw new IllegalArgumentException("'" + text + "' is not a span like 1y2m3d4h");
      }
      int value;
      try {
        value = Integer.parseInt(m.group(1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + text + "': number too large", e);
      }
      units["ymdh".indexOf(m.group(2).charAt(0))] = value;
      pos = m.end();
    }
    if (s.isEmpty()) {
      throw new IllegalArgumentException("an empty keep-within span");
    }
    return new KeepWithin(units[0], units[1], units[2], units[3]);
  }

  /**
   * True when this span keeps nothing.
   *
   * @return true if every part is 0
   */
  public boolean isZero() {
    return years == 0 && months == 0 && days == 0 && hours == 0;
  }

  /**
   * The time this span before {@code t}, in {@code t}'s offset, as restic computes it:
   * {@code t.AddDate(-years, -months, -days).Add(-hours)} (Go normalises an overflowing day,
   * e.g. February 31 becomes March 3).
   *
   * @param t the time to count back from, usually the group's newest snapshot
   * @return the time {@code t} minus this span
   */
  public OffsetDateTime before(OffsetDateTime t) {
    long monthIndex = t.getYear() * 12L + (t.getMonthValue() - 1) - years * 12L - months;
    OffsetDateTime firstOfMonth = OffsetDateTime.of((int) Math.floorDiv(monthIndex, 12),
        (int) Math.floorMod(monthIndex, 12) + 1, 1, t.getHour(), t.getMinute(), t.getSecond(),
        t.getNano(), t.getOffset());
    return firstOfMonth.plusDays(t.getDayOfMonth() - 1L - days).minusHours(hours);
  }

  /** restic's text form, e.g. {@code 1y2m3d4h}; units that are zero are left out. */
  @Override
  public String toString() {
    if (isZero()) {
      return "0h";
    }
    StringBuilder b = new StringBuilder();
    if (years > 0) {
      b.append(years).append('y');
    }
    if (months > 0) {
      b.append(months).append('m');
    }
    if (days > 0) {
      b.append(days).append('d');
    }
    if (hours > 0) {
      b.append(hours).append('h');
    }
    return b.toString();
  }
}
