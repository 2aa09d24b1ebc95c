package dev.bulwark.core.tree;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The pieces of Go's {@code encoding/json} output that restic's tree bytes depend on, so that
 * our tree JSON, and therefore the tree id, matches restic's byte for byte.
 */
final class GoJson {
  private static final char[] LOWER_HEX = "0123456789abcdef".toCharArray();
  private static final int MAX_GO_JSON_YEAR = 9999;

  /** Go's zero {@code time.Time}, which a node without a time carries. */
  static final Instant ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

  private GoJson() {}

  /**
   * Appends {@code s} as a JSON string the way {@code json.Marshal} does (HTML escaping on):
   * {@code \n \r \t} by name, other controls and {@code < > &} as lower-case {@code \}{@code
   * u00hh}, U+2028/U+2029 escaped, DEL and all other characters literal. Go writes invalid UTF-8
   * as {@code \}{@code ufffd}; the Java analogue is an unpaired surrogate.
   */
  static void appendString(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"', '\\' -> out.append('\\').append(c);
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '<', '>', '&', '\u2028', '\u2029' -> appendUnicodeEscape(out, c);
        default -> {
          if (c < 0x20) {
            appendUnicodeEscape(out, c);
          } else if (Character.isHighSurrogate(c)
              && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            out.append(c).append(s.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            out.append("\\ufffd");
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static void appendUnicodeEscape(StringBuilder out, char c) {
    out.append("\\u");
    for (int shift = 12; shift >= 0; shift -= 4) {
      out.append(LOWER_HEX[(c >>> shift) & 0xf]);
    }
  }

  /**
   * Go's {@code time.Time.MarshalJSON} in UTC: RFC 3339 with as many fraction digits as needed
   * (none for whole seconds) and {@code Z}; {@code null} is the zero time. Years outside Go's
   * 0..9999 are moved into range first, as restic's {@code FixTime} does before marshalling.
   */
  static String formatTime(Instant t) {
    OffsetDateTime utc = (t == null ? ZERO_TIME : t).atOffset(ZoneOffset.UTC);
    if (utc.getYear() < 0) {
      utc = utc.plusYears(-utc.getYear());
    } else if (utc.getYear() > MAX_GO_JSON_YEAR) {
      utc = utc.minusYears(utc.getYear() - MAX_GO_JSON_YEAR);
    }
    StringBuilder sb = new StringBuilder(30);
    pad(sb, utc.getYear(), 4).append('-');
    pad(sb, utc.getMonthValue(), 2).append('-');
    pad(sb, utc.getDayOfMonth(), 2).append('T');
    pad(sb, utc.getHour(), 2).append(':');
    pad(sb, utc.getMinute(), 2).append(':');
    pad(sb, utc.getSecond(), 2);
    int nanos = utc.getNano();
    if (nanos != 0) {
      int digits = 9;
      while (nanos % 10 == 0) {
        nanos /= 10;
        digits--;
      }
      pad(sb.append('.'), nanos, digits);
    }
    return sb.append('Z').toString();
  }

  private static StringBuilder pad(StringBuilder sb, int value, int width) {
    String s = Integer.toString(value);
    for (int i = s.length(); i < width; i++) {
      sb.append('0');
    }
    return sb.append(s);
  }
}
