package dev.bulwark.core.crypto;

import java.util.Arrays;

/**
 * Reads a password file's bytes as restic 0.14 does: its {@code textfile.Read} drops a UTF-8
 * byte order mark and turns UTF-16 with a byte order mark into UTF-8, then Go's
 * {@code strings.TrimSpace} removes the runes for which {@code unicode.IsSpace} holds (tab, LF,
 * VT, FF, CR, space, U+0085, U+00A0 and the other Unicode White_Space characters) from both
 * ends. Java's {@code strip()} and {@code trim()} differ (they remove U+001C..U+001F,
 * {@code trim()} every control character, neither U+0085 nor U+00A0).
 */
final class PasswordText {
  /** The UTF-8 forms of Go's space runes above U+007F. */
  private static final byte[][] WIDE_SPACES = {
      utf8(0x85), utf8(0xA0), utf8(0x1680),
      utf8(0x2000), utf8(0x2001), utf8(0x2002), utf8(0x2003), utf8(0x2004), utf8(0x2005),
      utf8(0x2006), utf8(0x2007), utf8(0x2008), utf8(0x2009), utf8(0x200A),
      utf8(0x2028), utf8(0x2029), utf8(0x202F), utf8(0x205F), utf8(0x3000)};

  private PasswordText() {}

  /** The password restic reads from a file holding {@code raw}, as a new array. */
  static byte[] fromFile(byte[] raw) {
    if (startsWith(raw, 0xEF, 0xBB, 0xBF)) {
      return trimSpace(Arrays.copyOfRange(raw, 3, raw.length));
    }
    if (startsWith(raw, 0xFE, 0xFF) || startsWith(raw, 0xFF, 0xFE)) {
      // Go's UTF-16 decoder, like Java's, replaces unpaired surrogates with U+FFFD.
      byte[] utf8 = new String(raw, java.nio.charset.StandardCharsets.UTF_16)
          .getBytes(java.nio.charset.StandardCharsets.UTF_8);
      try {
        return trimSpace(utf8);
      } finally {
        Arrays.fill(utf8, (byte) 0);
      }
    }
    return trimSpace(raw);
  }

  private static boolean startsWith(byte[] b, int... prefix) {
    if (b.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((b[i] & 0xFF) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** A new array with {@code raw} minus leading and trailing Go space runes. */
  static byte[] trimSpace(byte[] raw) {
    int start = 0;
    int end = raw.length;
    while (start < end) {
      int n = spaceAt(raw, start, end);
      if (n == 0) {
        break;
      }
      start += n;
    }
    while (end > start) {
      int n = spaceBefore(raw, start, end);
      if (n == 0) {
        break;
      }
      end -= n;
    }
    return Arrays.copyOfRange(raw, start, end);
  }

  /** The length of the space rune starting at {@code i}, or 0. */
  private static int spaceAt(byte[] b, int i, int end) {
    if (asciiSpace(b[i])) {
      return 1;
    }
    for (byte[] w : WIDE_SPACES) {
      if (end - i >= w.length && Arrays.equals(b, i, i + w.length, w, 0, w.length)) {
        return w.length;
      }
    }
    return 0;
  }

  /** The length of the space rune ending just before {@code end}, or 0. */
  private static int spaceBefore(byte[] b, int start, int end) {
    if (asciiSpace(b[end - 1])) {
      return 1;
    }
    for (byte[] w : WIDE_SPACES) {
      if (end - start >= w.length && Arrays.equals(b, end - w.length, end, w, 0, w.length)) {
        return w.length;
      }
    }
    return 0;
  }

  private static boolean asciiSpace(byte c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
  }

  private static byte[] utf8(int codePoint) {
    return new String(Character.toChars(codePoint))
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
