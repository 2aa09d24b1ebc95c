package dev.bulwark.cli.config;

import java.util.Locale;

/** Sizes as flags and the configuration write them: bytes or a binary unit, {@code 8K 16M 1G}. */
public final class SizeText {
  private SizeText() {}

  /**
   * Parses {@code 8192}, {@code 8K}, {@code 8KiB}, {@code 16M} or {@code 1G} (units of 1024).
   *
   * @param text the size as written
   * @return the size in bytes, from 1 to {@link Integer#MAX_VALUE}
   * @throws IllegalArgumentException naming the text when it is not a size or out of range
   */
  public static int parse(String text) {
    String t = text.strip().toUpperCase(Locale.ROOT).replace("IB", "").replace("B", "");
    long mul = 1;
    if (t.endsWith("K")) {
      mul = 1024;
    } else if (t.endsWith("M")) {
      mul = 1024 * 1024;
    } else if (t.endsWith("G")) {
      mul = 1024L * 1024 * 1024;
    }
    if (mul != 1) {
      t = t.substring(0, t.length() - 1);
    }
    long v;
    try {
      v = Long.parseLong(t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a size: " + text + " (use e.g. 64K, 16M)", e);
    }
    if (v <= 0 || v > Integer.MAX_VALUE / mul) {
      throw new IllegalArgumentException("size out of range: " + text);
    }
    return (int) (v * mul);
  }
}
