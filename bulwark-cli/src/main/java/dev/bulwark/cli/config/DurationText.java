package dev.bulwark.cli.config;

import java.time.Duration;

/** Durations as the configuration writes them: a whole number and a unit, {@code 30s 15m 1h 1d}. */
public final class DurationText {
  private DurationText() {}

  /**
   * Parses {@code 30s}, {@code 15m}, {@code 1h} or {@code 2d}.
   *
   * @throws IllegalArgumentException naming the text when it is not one, or is not positive
   */
  public static Duration parse(String text) {
    String t = text.strip();
    String notOne = "'" + text + "' is not a duration";
    if (t.length() < 2) {
      throw new IllegalArgumentException(notOne);
    }
    long n;
    try {
      n = Long.parseLong(t.substring(0, t.length() - 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(notOne, e);
    }
    if (n <= 0) {
      throw new IllegalArgumentException("'" + text + "' is not a positive duration");
    }
    try {
      return switch (t.charAt(t.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        case 'd' -> Duration.ofDays(n);
        default -> throw new IllegalArgumentException(notOne);
      };
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is too long a duration", e);
    }
  }

  /**
   * Parses what {@link #parse} does and also milliseconds, {@code 500ms}: for intervals shorter
   * than a second (a stream's sync interval).
   *
   * @throws IllegalArgumentException naming the text when it is not one, or is not positive
   */
  public static Duration parseFine(String text) {
    String t = text.strip();
    if (!t.endsWith("ms")) {
      return parse(text);
    }
    long n;
    try {
      n = Long.parseLong(t.substring(0, t.length() - 2));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a duration", e);
    }
    if (n <= 0) {
      throw new IllegalArgumentException("'" + text + "' is not a positive duration");
    }
    return Duration.ofMillis(n);
  }

  /**
   * The shortest text {@link #parse} (or, below a second, {@link #parseFine}) reads back to
   * {@code d}: {@code 1d}, {@code 90m}, {@code 45s}, {@code 1500ms}.
   */
  public static String format(Duration d) {
    if (d.getNano() != 0) {
      return d.toMillis() + "ms";
    }
    long s = d.getSeconds();
    if (s % 86_400 == 0) {
      return s / 86_400 + "d";
    }
    if (s % 3_600 == 0) {
      return s / 3_600 + "h";
    }
    if (s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }
}
