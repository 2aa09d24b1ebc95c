package dev.bulwark.core.tree;

import dev.bulwark.core.CorruptionException;
import java.io.ByteArrayOutputStream;

/**
 * Go's {@code strconv.Quote} and {@code strconv.Unquote} for the body of a double-quoted string,
 * which restic applies to node names before JSON encoding (restic-format.md §6, pitfall 2).
 *
 * <p>{@link #quote(byte[])} escapes {@code "} and {@code \}, uses {@code \a \b \f \n \r \t \v},
 * writes other bytes below 0x20, DEL and every byte that is not part of valid UTF-8 as {@code
 * \xhh}, other runes that Go's {@code unicode.IsPrint} rejects as {@code \}{@code uhhhh} or {@code
 * \Uhhhhhhhh}, and keeps printable runes literal; hex digits are lower case. "Printable" is decided
 * with Java's Unicode tables. Java 17 and the Go 1.19 that built restic 0.14 both use Unicode 13,
 * so the output is byte-identical to restic 0.14's (checked against it for every code point by
 * {@code ResticTreeOracleTest}); a restic built with a newer Go may keep literal a character
 * assigned after Unicode 13 that we escape. Both forms unquote to the same bytes.
 *
 * <p>Stateless and thread-safe.
 */
public final class GoQuote {
  private static final char[] LOWER_HEX = "0123456789abcdef".toCharArray();
  private static final int RUNE_SELF = 0x80;
  private static final int MAX_RUNE = 0x10FFFF;
  private static final int REPLACEMENT = 0xFFFD;

  private GoQuote() {}

  /**
   * Quotes {@code s}'s UTF-8 bytes; an unpaired surrogate is encoded as U+FFFD first, as Go does
   * when it converts an invalid rune to a string.
   */
  public static String quote(String s) {
    return quote(utf8(s));
  }

  /** Quotes arbitrary bytes, as Go quotes a {@code string}, and returns the body without quotes. */
  public static String quote(byte[] utf8OrNot) {
    StringBuilder out = new StringBuilder(utf8OrNot.length + 8);
    int i = 0;
    while (i < utf8OrNot.length) {
      int width = runeWidth(utf8OrNot, i);
      if (width == 0) {
        appendByteEscape(out, utf8OrNot[i] & 0xff);
        i++;
        continue;
      }
      appendRune(out, decode(utf8OrNot, i, width));
      i += width;
    }
    return out.toString();
  }

  /**
   * Reverses {@link #quote}: decodes the body of a Go double-quoted string into bytes, which need
   * not be valid UTF-8 ({@code \xhh} and octal escapes stand for raw bytes).
   *
   * @throws CorruptionException if the body has an escape Go rejects (including {@code \'} and
   *     surrogate or out-of-range <code>&#92;u</code>/{@code \U} values), an unescaped {@code
   *     "}, a raw newline, or ends inside an escape
   */
  public static byte[] unquote(String quotedBody) throws CorruptionException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(quotedBody.length());
    int i = 0;
    while (i < quotedBody.length()) {
      int c = quotedBody.codePointAt(i);
      if (c == '"') {
        throw syntax(quotedBody, i, "unescaped double quote");
      }
      if (c == '\n') {
        throw syntax(quotedBody, i, "raw newline");
      }
      if (c != '\\') {
        writeUtf8(out, isSurrogate(c) ? REPLACEMENT : c);
        i += Character.charCount(c);
        continue;
      }
      i = unescape(quotedBody, i, out);
    }
    return out.toByteArray();
  }

  /** Decodes the escape starting at the backslash at {@code i}; returns the index after it. */
  private static int unescape(String s, int i, ByteArrayOutputStream out)
      throws CorruptionException {
    if (i + 1 >= s.length()) {
      throw syntax(s, i, "backslash at end");
    }
    char e = s.charAt(i + 1);
    switch (e) {
      case 'a' -> out.write(0x07);
      case 'b' -> out.write('\b');
      case 'f' -> out.write('\f');
      case 'n' -> out.write('\n');
      case 'r' -> out.write('\r');
      case 't' -> out.write('\t');
      case 'v' -> out.write(0x0b);
      case '\\', '"' -> out.write(e);
      case 'x' -> {
        out.write((int) hexValue(s, i, 2));
        return i + 4;
      }
      case 'u', 'U' -> {
        int digits = e == 'u' ? 4 : 8;
        long r = hexValue(s, i, digits);
        if (r > MAX_RUNE || isSurrogate((int) r)) {
          throw syntax(s, i, "escape is not a valid Unicode code point");
        }
        writeUtf8(out, (int) r);
        return i + 2 + digits;
      }
      case '0', '1', '2', '3', '4', '5', '6', '7' -> {
        int v = 0;
        for (int k = 1; k <= 3; k++) {
          int d = i + k < s.length() ? s.charAt(i + k) - '0' : -1;
          if (d < 0 || d > 7) {
            throw syntax(s, i, "octal escape needs three octal digits");
          }
          v = v * 8 + d;
        }
        if (v > 0xff) {
          throw syntax(s, i, "octal escape above \\377");
        }
        out.write(v);
        return i + 4;
      }
      default -> throw syntax(s, i, "unknown escape \\" + e);
    }
    return i + 2;
  }

  private static long hexValue(String s, int backslash, int digits) throws CorruptionException {
    long v = 0;
    for (int k = 0; k < digits; k++) {
      int at = backslash + 2 + k;
      int d = at < s.length() ? asciiHexDigit(s.charAt(at)) : -1;
      if (d < 0) {
        throw syntax(s, backslash, "escape needs " + digits + " hex digits");
      }
      v = v * 16 + d;
    }
    return v;
  }

  private static int asciiHexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static boolean isSurrogate(int c) {
    return c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE;
  }

  private static CorruptionException syntax(String s, int at, String problem) {
    return new CorruptionException(
        "invalid Go-quoted string at index " + at + " (" + problem + "): " + s);
  }

  private static void appendRune(StringBuilder out, int r) {
    if (r == '"' || r == '\\') {
      out.append('\\').append((char) r);
    } else if (isPrint(r)) {
      out.appendCodePoint(r);
    } else {
      switch (r) {
        case 0x07 -> out.append("\\a");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case 0x0b -> out.append("\\v");
        default -> {
          if (r < ' ' || r == 0x7f) {
            appendByteEscape(out, r);
          } else if (r < 0x10000) {
            out.append("\\u");
            appendHex(out, r, 4);
          } else {
            out.append("\\U");
            appendHex(out, r, 8);
          }
        }
      }
    }
  }

  private static void appendByteEscape(StringBuilder out, int b) {
    out.append("\\x");
    appendHex(out, b, 2);
  }

  private static void appendHex(StringBuilder out, int v, int digits) {
    for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) {
      out.append(LOWER_HEX[(v >>> shift) & 0xf]);
    }
  }

  /**
   * Go's {@code unicode.IsPrint}: letters, marks, numbers, punctuation, symbols and the ASCII
   * space. Everything else (controls, format characters such as U+00AD and U+200B, separators
   * other than U+0020, private use, surrogates, unassigned) is escaped.
   */
  static boolean isPrint(int r) {
    if (r == ' ') {
      return true;
    }
    return switch (Character.getType(r)) {
      case Character.UPPERCASE_LETTER,
          Character.LOWERCASE_LETTER,
          Character.TITLECASE_LETTER,
          Character.MODIFIER_LETTER,
          Character.OTHER_LETTER,
          Character.NON_SPACING_MARK,
          Character.ENCLOSING_MARK,
          Character.COMBINING_SPACING_MARK,
          Character.DECIMAL_DIGIT_NUMBER,
          Character.LETTER_NUMBER,
          Character.OTHER_NUMBER,
          Character.CONNECTOR_PUNCTUATION,
          Character.DASH_PUNCTUATION,
          Character.START_PUNCTUATION,
          Character.END_PUNCTUATION,
          Character.INITIAL_QUOTE_PUNCTUATION,
          Character.FINAL_QUOTE_PUNCTUATION,
          Character.OTHER_PUNCTUATION,
          Character.MATH_SYMBOL,
          Character.CURRENCY_SYMBOL,
          Character.MODIFIER_SYMBOL,
          Character.OTHER_SYMBOL -> true;
      default -> false;
    };
  }

  /**
   * Width of the valid UTF-8 sequence at {@code i}, or 0 if the byte there does not start one.
   * Follows Go's {@code utf8.DecodeRune}: no overlong forms, no surrogates, nothing above
   * U+10FFFF, so an invalid sequence is escaped one byte at a time exactly as Go does.
   */
  static int runeWidth(byte[] b, int i) {
    int b0 = b[i] & 0xff;
    if (b0 < RUNE_SELF) {
      return 1;
    }
    int width;
    int lo = 0x80;
    int hi = 0xbf;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      width = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      width = 3;
      if (b0 == 0xe0) {
        lo = 0xa0;
      } else if (b0 == 0xed) {
        hi = 0x9f;
      }
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      width = 4;
      if (b0 == 0xf0) {
        lo = 0x90;
      } else if (b0 == 0xf4) {
        hi = 0x8f;
      }
    } else {
      return 0;
    }
    if (i + width > b.length) {
      return 0;
    }
    int b1 = b[i + 1] & 0xff;
    if (b1 < lo || b1 > hi) {
      return 0;
    }
    for (int k = 2; k < width; k++) {
      int bk = b[i + k] & 0xff;
      if (bk < 0x80 || bk > 0xbf) {
        return 0;
      }
    }
    return width;
  }

  private static int decode(byte[] b, int i, int width) {
    int b0 = b[i] & 0xff;
    if (width == 1) {
      return b0;
    }
    int r = b0 & (0x7f >> width);
    for (int k = 1; k < width; k++) {
      r = (r << 6) | (b[i + k] & 0x3f);
    }
    return r;
  }

  /** UTF-8 of {@code s}, with U+FFFD for unpaired surrogates (the JDK encoder writes '?'). */
  static byte[] utf8(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() + 8);
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      writeUtf8(out, isSurrogate(c) ? REPLACEMENT : c);
      i += Character.charCount(c);
    }
    return out.toByteArray();
  }

  private static void writeUtf8(ByteArrayOutputStream out, int c) {
    if (c < 0x80) {
      out.write(c);
    } else if (c < 0x800) {
      out.write(0xc0 | (c >> 6));
      out.write(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
      out.write(0xe0 | (c >> 12));
      out.write(0x80 | ((c >> 6) & 0x3f));
      out.write(0x80 | (c & 0x3f));
    } else {
      out.write(0xf0 | (c >> 18));
      out.write(0x80 | ((c >> 12) & 0x3f));
      out.write(0x80 | ((c >> 6) & 0x3f));
      out.write(0x80 | (c & 0x3f));
    }
  }
}
