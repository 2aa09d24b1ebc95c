package dev.bulwark.core.tree;

/** UTF-8 validity as Go decides it ({@code utf8.Valid}), for byte names and targets. */
final class Utf8 {
  private Utf8() {}

  static boolean isValid(byte[] b) {
    for (int i = 0; i < b.length; ) {
      int w = GoQuote.runeWidth(b, i);
      if (w == 0) {
        return false;
      }
      i += w;
    }
    return true;
  }

  /** Decodes valid runes; every byte Go would decode as an error becomes U+D800. */
  static String decodeMarkingInvalid(byte[] b) {
    StringBuilder out = new StringBuilder(b.length);
    for (int i = 0; i < b.length; ) {
      int w = GoQuote.runeWidth(b, i);
      if (w == 0) {
        out.append('\uD800');
        i++;
      } else {
        out.append(new String(b, i, w, java.nio.charset.StandardCharsets.UTF_8));
        i += w;
      }
    }
    return out.toString();
  }
}
